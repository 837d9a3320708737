using System.Text.Json;

namespace Switchyard.Server.Validation;

/// <summary>Reads a JSON request body no larger than <see cref="ServerOptions.MaxRequestBytes"/>.</summary>
internal static class RequestBody
{
    /// <summary>What reading gave: a document, or the problem to answer with.</summary>
    public readonly record struct Read(JsonDocument? Document, IResult? Problem);

    public static async Task<Read> ReadJsonAsync(HttpRequest request, long limit, bool optional, CancellationToken cancellationToken)
    {
        // The limit is enforced here rather than by Kestrel so that the in-process test host and Kestrel answer alike, as problem+json.
        if (request.ContentLength > limit)
            return new(null, Api.Problems.TooLarge(limit));
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
                return new(null, Api.Problems.TooLarge(limit));
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0)
            return optional ? new(null, null) : new(null, Api.Problems.Validation("body", "is required: a JSON document."));
        try
        {
            return new(JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length)), null);
        }
        catch (JsonException e)
        {
            return new(null, Api.Problems.Validation("body", $"must be valid JSON ({e.Message})"));
        }
    }
}
