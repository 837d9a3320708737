using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Switchyard.Server.Hosting;

namespace Switchyard.Server.Api;

/// <summary>
/// <c>GET /api/events</c>: the store's change feed as server-sent events (<c>id: SEQ / event: job / data: JOB</c>), resumable
/// with <c>Last-Event-ID</c>. Written by hand rather than with <c>TypedResults.ServerSentEvents</c> because the contract's
/// <c>: keep-alive</c> comment lines have no <c>SseItem</c> form.
/// </summary>
internal static class EventsEndpoints
{
    private const int Batch = 500;

    public static void MapEvents(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/events", StreamAsync).WithName("JobEvents").WithTags("Events")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream").ProducesValidationProblem();

    private static async Task StreamAsync(HttpContext context, QueueHost queue, ServerOptions options, IOptions<JsonOptions> json,
        IHostApplicationLifetime lifetime)
    {
        // Streams end when the server stops: otherwise a stop waits for every open stream's client to go away.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var ct = stop.Token;
        var resumeText = context.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } header ? header : context.Request.Query["lastEventId"].ToString();
        long? resume = null;
        if (resumeText.Length > 0)
        {
            if (!long.TryParse(resumeText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                await Problems.Validation("Last-Event-ID", $"must be an event id this stream sent (got '{resumeText}').").ExecuteAsync(context);
                return;
            }
            resume = parsed;
        }

        var store = queue.Store;
        using var wake = new SemaphoreSlim(0, 1);
        void OnChanged()
        {
            try { wake.Release(); }
            catch (SemaphoreFullException) { } // already due to wake
            catch (ObjectDisposedException) { }
        }
        store.Changed += OnChanged;
        try
        {
            var last = resume ?? await store.LatestChangeAsync(ct);
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            context.Response.Headers["X-Accel-Buffering"] = "no";
            var body = context.Response.Body;
            // A first comment: the client sees the stream is open (and from where) before any change.
            await WriteAsync(body, $": stream from {last}\n\n", ct);
            var quietSince = DateTime.UtcNow;
            while (!ct.IsCancellationRequested)
            {
                var changes = await store.ReadChangesAsync(last, Batch, ct);
                if (changes.Count > 0)
                {
                    var text = new StringBuilder();
                    foreach (var change in changes)
                    {
                        text.Append("id: ").Append(change.Sequence.ToString(CultureInfo.InvariantCulture)).Append("\nevent: job\ndata: ")
                            .Append(JsonSerializer.Serialize(JobView.From(change.Job), json.Value.SerializerOptions)).Append("\n\n");
                        last = change.Sequence;
                    }
                    await WriteAsync(body, text.ToString(), ct);
                    quietSince = DateTime.UtcNow;
                    if (changes.Count == Batch) continue;
                }
                else if (DateTime.UtcNow - quietSince >= options.KeepAliveInterval)
                {
                    await WriteAsync(body, ": keep-alive\n\n", ct);
                    quietSince = DateTime.UtcNow;
                }
                // This process's writes wake the stream at once; other processes' writes are found by polling.
                await wake.WaitAsync(options.EventPollInterval, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away, or the server is stopping.
        }
        finally
        {
            store.Changed -= OnChanged;
        }
    }

    private static async Task WriteAsync(Stream body, string text, CancellationToken ct)
    {
        await body.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
        await body.FlushAsync(ct);
    }
}
