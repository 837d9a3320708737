using System.Net;
using System.Net.Sockets;
using System.Text;
using Switchyard.Jobs.Handlers.Http;

namespace Switchyard.Jobs.Tests.Handlers;

/// <summary>Runs the http handler against a real HttpListener on 127.0.0.1.</summary>
public sealed class HttpHandlerTests : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _base;
    private readonly Task _serving;
    private readonly HttpHandler _handler = new(new HttpHandlerOptions { MaxBodyBytes = 100 });

    public HttpHandlerTests()
    {
        var port = FreePort();
        _base = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(_base);
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
            using var reader = new StreamReader(ctx.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            var path = ctx.Request.Url!.AbsolutePath;
            var (status, text) = path switch
            {
                "/echo" => (200, $"{ctx.Request.HttpMethod} {ctx.Request.Headers["X-Token"]} {ctx.Request.ContentType} {body}"),
                "/created" => (201, "made"),
                "/missing" => (404, "nothing here"),
                "/big" => (200, new string('x', 5000)),
                "/slow" => (200, await Slow()),
                _ => (500, "?"),
            };
            ctx.Response.StatusCode = status;
            var bytes = Encoding.UTF8.GetBytes(text);
            try { await ctx.Response.OutputStream.WriteAsync(bytes); ctx.Response.Close(); }
            catch (HttpListenerException) { }
        }
    }

    private static async Task<string> Slow()
    {
        await Task.Delay(TimeSpan.FromSeconds(30)); // the server side of a slow endpoint, not a wait in the test
        return "late";
    }

    private async Task<HttpResult> Run(string json)
    {
        var payload = ((IJobHandler)_handler).ParsePayload(json);
        var job = new Job
        {
            Id = 1, Kind = "http", Queue = "default", Payload = json, Priority = 0, State = JobState.Running, Attempt = 1,
            MaxAttempts = 1, RunAt = DateTimeOffset.UnixEpoch, CreatedAt = DateTimeOffset.UnixEpoch,
        };
        return (HttpResult)(await ((IJobHandler)_handler).RunAsync(payload, new JobContext(job, null, "w", TimeProvider.System), default))!;
    }

    [Fact]
    public async Task Sends_method_headers_and_body_and_stores_the_status_and_body()
    {
        var result = await Run($$"""{"method":"post","url":"{{_base}}echo","headers":{"X-Token":"t1","Content-Type":"application/json"},"body":"{\"a\":1}"}""");
        Assert.Equal((200, """POST t1 application/json {"a":1}"""), (result.Status, result.Body));
    }

    [Fact]
    public async Task Expected_statuses_decide_success()
    {
        Assert.Equal(201, (await Run($$"""{"url":"{{_base}}created","expectedStatus":[201]}""")).Status);
        var error = await Assert.ThrowsAsync<HttpStatusException>(() => Run($$"""{"url":"{{_base}}missing"}"""));
        Assert.Equal(404, error.Status);
        Assert.Contains("not the expected 2xx", error.Message, StringComparison.Ordinal);
        Assert.Contains("nothing here", error.Message, StringComparison.Ordinal);
        Assert.Equal(404, (await Run($$"""{"url":"{{_base}}missing","expectedStatus":[404]}""")).Status);
    }

    [Fact]
    public async Task Keeps_a_bounded_body()
    {
        var result = await Run($$"""{"url":"{{_base}}big"}""");
        Assert.Equal((100, 5000L), (result.Body.Length, result.BodyBytes));
    }

    [Fact]
    public async Task A_timeout_fails_the_attempt()
    {
        var error = await Assert.ThrowsAsync<TimeoutException>(() => Run($$"""{"url":"{{_base}}slow","timeoutSeconds":0.2}"""));
        Assert.Contains("no response within 0.2 s", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"url":"ftp://x/"}""", "url")]
    [InlineData("""{"url":"/relative"}""", "url")]
    [InlineData("""{"url":"http://x/","method":"BREW"}""", "method")]
    [InlineData("""{"url":"http://x/","timeoutSeconds":-1}""", "timeoutSeconds")]
    [InlineData("""{"url":"http://x/","expectedStatus":[999]}""", "expectedStatus")]
    public void Bad_payloads_are_refused_naming_the_field(string json, string field)
    {
        Assert.Equal(field, Assert.Throws<JobValidationException>(() => ((IJobHandler)_handler).ParsePayload(json)).Field);
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _handler.Dispose();
        _ = _serving;
    }
}
