namespace Switchyard.Jobs.Handlers.Http;

/// <summary>Options of the <c>http</c> handler.</summary>
public sealed class HttpHandlerOptions
{
    /// <summary>The client to send with; the handler does not dispose it. Default: one shared client of the handler.</summary>
    public HttpClient? Client { get; init; }

    /// <summary>The most bytes of the response body kept in the result. Default: 64 KiB.</summary>
    public int MaxBodyBytes { get; init; } = 64 * 1024;
}
