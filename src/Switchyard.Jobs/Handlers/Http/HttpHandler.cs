using System.Diagnostics;
using System.Net.Http.Headers;

namespace Switchyard.Jobs.Handlers.Http;

/// <summary>
/// The built-in <c>http</c> handler: sends one request (method, URL, headers, body, timeout) and succeeds when the
/// status is expected (any 2xx by default); the result holds the status and a bounded body.
/// </summary>
public sealed class HttpHandler : JobHandler<HttpPayload>, IDisposable
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
    private readonly HttpHandlerOptions _options;
    private readonly HttpClient _client;
    private readonly bool _ownsClient;

    /// <summary>Creates the handler.</summary>
    public HttpHandler(HttpHandlerOptions? options = null)
    {
        _options = options ?? new HttpHandlerOptions();
        _ownsClient = _options.Client is null;
        // Timeouts are per job (the payload's), so the client's own is off.
        _client = _options.Client ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The kind: <c>http</c>.</summary>
    public const string KindName = "http";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    protected override void Validate(HttpPayload payload)
    {
        if (!Uri.TryCreate(payload.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new JobValidationException("url", $"must be an absolute http or https URL (got '{payload.Url}').", null);
        if (!Methods.Contains(payload.Method.ToUpperInvariant()))
            throw new JobValidationException("method", $"must be one of {string.Join(", ", Methods)} (got '{payload.Method}').", null);
        if (!(payload.TimeoutSeconds > 0))
            throw new JobValidationException("timeoutSeconds", $"must be greater than 0 (got {payload.TimeoutSeconds}).", null);
        if (payload.ExpectedStatus?.Any(s => s is < 100 or > 599) == true)
            throw new JobValidationException("expectedStatus", "every status must be between 100 and 599.", null);
    }

    /// <inheritdoc />
    public override async ValueTask<object?> RunAsync(HttpPayload payload, JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        using var request = new HttpRequestMessage(new HttpMethod(payload.Method.ToUpperInvariant()), payload.Url);
        if (payload.Body is not null)
            request.Content = new StringContent(payload.Body);
        foreach (var (name, value) in payload.Headers ?? new Dictionary<string, string>())
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.Remove(name);
                if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                    request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(value);
                else
                    request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        var stopwatch = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(payload.TimeoutSeconds));
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            var body = new BoundedCapture(_options.MaxBodyBytes);
            await using (var stream = await response.Content.ReadAsStreamAsync(deadline.Token).ConfigureAwait(false))
                await body.ReadAsync(stream, deadline.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var expected = payload.ExpectedStatus is { Count: > 0 } list ? list.Contains(status) : status is >= 200 and < 300;
            if (!expected)
            {
                var text = payload.ExpectedStatus is { Count: > 0 } ? string.Join(" or ", payload.ExpectedStatus) : "2xx";
                throw new HttpStatusException(status, text, body.Text.Length > 500 ? body.Text[..500] : body.Text);
            }
            return new HttpResult(status, body.Text, body.TotalBytes, stopwatch.Elapsed.TotalMilliseconds);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{payload.Method} {payload.Url} got no response within {payload.TimeoutSeconds:0.###} s.");
        }
    }

    /// <summary>Disposes the handler's own client (not one passed in the options).</summary>
    public void Dispose()
    {
        if (_ownsClient) _client.Dispose();
    }
}
