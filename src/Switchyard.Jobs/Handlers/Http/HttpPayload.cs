namespace Switchyard.Jobs.Handlers.Http;

/// <summary>The payload of an <c>http</c> job: one request.</summary>
public sealed class HttpPayload
{
    /// <summary>The method. Default: GET.</summary>
    public string Method { get; init; } = "GET";

    /// <summary>The absolute http or https URL.</summary>
    public string Url { get; init; } = "";

    /// <summary>Request headers (content headers such as Content-Type go on the body). Default: none.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>The request body, as text. Default: none.</summary>
    public string? Body { get; init; }

    /// <summary>Seconds before the request is abandoned. Default: 100.</summary>
    public double TimeoutSeconds { get; init; } = 100;

    /// <summary>The statuses that count as success. Default: any 2xx.</summary>
    public IReadOnlyList<int>? ExpectedStatus { get; init; }
}
