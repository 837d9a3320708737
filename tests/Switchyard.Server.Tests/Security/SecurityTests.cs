using System.Net;
using System.Net.Http.Headers;
using Switchyard.Jobs;
using Switchyard.Server.Security;

namespace Switchyard.Server.Tests.Security;

public sealed class SecurityTests
{
    private const string Token = "s3cret-token";

    private static ServerHarness Start() => ServerHarness.Start(db => new ServerOptions { Db = db, Workers = 0, Token = Token });

    [Theory]
    [InlineData("GET", "/api/jobs")]
    [InlineData("GET", "/api/jobs/1")]
    [InlineData("POST", "/api/jobs")]
    [InlineData("POST", "/api/jobs/1/cancel")]
    [InlineData("POST", "/api/jobs/1/retry")]
    [InlineData("POST", "/api/jobs/purge")]
    [InlineData("GET", "/api/kinds")]
    [InlineData("GET", "/api/stats")]
    [InlineData("GET", "/api/events")]
    [InlineData("GET", "/metrics")]
    public async Task Every_api_call_needs_the_token(string method, string path)
    {
        await using var server = Start();
        using var anonymous = server.CreateClient();
        using var none = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative)));
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);

        using var wrong = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token + "x");
        using var refused = await anonymous.SendAsync(wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task The_right_token_passes_and_health_needs_none()
    {
        await using var server = Start();
        using var ok = await server.GetAsync("/api/jobs");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using var anonymous = server.CreateClient();
        using var health = await anonymous.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task The_event_stream_takes_the_token_in_the_query()
    {
        await using var server = Start();
        using var anonymous = server.CreateClient();
        using var response = await anonymous.GetAsync(new Uri($"/api/events?token={Token}", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        // Only the event stream: other endpoints do not read tokens from URLs (they end up in logs).
        using var jobs = await anonymous.GetAsync(new Uri($"/api/jobs?token={Token}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, jobs.StatusCode);
    }

    [Fact]
    public async Task No_cors_headers_are_sent_even_to_a_preflight()
    {
        await using var server = ServerHarness.Start();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, new Uri("/api/jobs", UriKind.Relative));
        preflight.Headers.Add("Origin", "https://evil.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        using var answer = await server.Client.SendAsync(preflight);
        using var get = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/jobs", UriKind.Relative));
        get.Headers.Add("Origin", "https://evil.example");
        using var got = await server.Client.SendAsync(get);
        Assert.Equal(HttpStatusCode.OK, got.StatusCode);
        foreach (var response in new[] { answer, got })
            Assert.DoesNotContain(response.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080")]
    [InlineData("http://127.0.0.1:0")]
    [InlineData("http://localhost:5080")]
    [InlineData("http://[::1]:5080")]
    [InlineData("https://127.0.0.2:5443/")]
    [InlineData("http://127.0.0.1:5080;http://[::1]:5080")]
    public void Loopback_addresses_bind_without_a_token(string urls) => BindCheck.Check(new ServerOptions { Urls = urls });

    [Theory]
    [InlineData("http://0.0.0.0:5080")]
    [InlineData("http://*:5080")]
    [InlineData("http://+:5080")]
    [InlineData("http://[::]:5080")]
    [InlineData("http://192.168.1.20:5080")]
    [InlineData("http://example.com:5080")]
    [InlineData("http://127.0.0.1:5080;http://0.0.0.0:5081")]
    public void Other_addresses_need_a_token(string urls)
    {
        var refused = Assert.Throws<JobValidationException>(() => BindCheck.Check(new ServerOptions { Urls = urls }));
        Assert.Equal("--urls", refused.Field);
        Assert.Contains("token", refused.Message, StringComparison.Ordinal);
        BindCheck.Check(new ServerOptions { Urls = urls, Token = Token });
    }

    [Theory]
    [InlineData("")]
    [InlineData("127.0.0.1:5080")]
    [InlineData("ftp://127.0.0.1:21")]
    public void Malformed_urls_are_refused(string urls)
    {
        var refused = Assert.Throws<JobValidationException>(() => BindCheck.Check(new ServerOptions { Urls = urls }));
        Assert.Equal("--urls", refused.Field);
    }

    [Fact]
    public void Building_the_app_applies_the_bind_check() =>
        Assert.Throws<JobValidationException>(() => SwitchyardServer.Build(new ServerOptions { Urls = "http://0.0.0.0:5080" }));
}
