using System.Net.Http.Headers;
using System.Text.Json;

namespace Switchyard.Server.Tests.Api;

/// <summary>A client of <c>GET /api/events</c> that reads one server-sent event at a time, each read with a timeout.</summary>
internal sealed class EventStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private EventStream(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    /// <summary>Opens the stream and waits for its opening comment, so changes after this call are on it.</summary>
    public static async Task<EventStream> OpenAsync(HttpClient client, string? lastEventId = null, string query = "")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/events" + query, UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).Within();
        response.EnsureSuccessStatusCode();
        var stream = new EventStream(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
        var first = await stream.ReadLineAsync();
        Assert.StartsWith(": stream from ", first, StringComparison.Ordinal);
        return stream;
    }

    /// <summary>The next event (comments skipped): its id and the job it carries.</summary>
    public async Task<(long Id, JsonElement Job)> NextAsync()
    {
        long? id = null;
        string? type = null, data = null;
        while (true)
        {
            var line = await ReadLineAsync();
            if (line.Length == 0)
            {
                if (data is not null)
                {
                    Assert.Equal("job", type);
                    Assert.NotNull(id);
                    return (id.Value, JsonSerializer.Deserialize<JsonElement>(data));
                }
                continue;
            }
            if (line.StartsWith(':')) continue;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var (field, value) = (line[..colon], line[(colon + 1)..].TrimStart(' '));
            switch (field)
            {
                case "id": id = long.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                case "event": type = value; break;
                case "data": data = value; break;
            }
        }
    }

    /// <summary>The next comment line (<c>: text</c>), skipping anything else.</summary>
    public async Task<string> NextCommentAsync()
    {
        while (true)
        {
            var line = await ReadLineAsync();
            if (line.StartsWith(':')) return line;
        }
    }

    private async Task<string> ReadLineAsync()
    {
        using var timeout = new CancellationTokenSource(Signal.Patience);
        return await _reader.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException("The event stream ended.");
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
