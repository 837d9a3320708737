using System.Net;
using Switchyard.Server.Dashboard;

namespace Switchyard.Server.Tests;

/// <summary>The dashboard's files as the server serves them: routes, types, caching and the security headers.</summary>
public sealed class DashboardTests : IAsyncLifetime
{
    private const string Token = "dashboard-test-token";
    private ServerHarness _server = null!;

    public Task InitializeAsync()
    {
        // With a token: the page itself must still load without one (the page then sends it to the API).
        _server = ServerHarness.Start(db => new ServerOptions { Db = db, Token = Token, Workers = 0 });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("/", "text/html; charset=utf-8", "<main id=\"view\"")]
    [InlineData("/index.html", "text/html; charset=utf-8", "<main id=\"view\"")]
    [InlineData("/app.js", "text/javascript; charset=utf-8", "EventSource")]
    [InlineData("/api.js", "text/javascript; charset=utf-8", "Authorization")]
    [InlineData("/dom.js", "text/javascript; charset=utf-8", "createTextNode")]
    [InlineData("/views/overview.js", "text/javascript; charset=utf-8", "Chart")]
    [InlineData("/views/jobs.js", "text/javascript; charset=utf-8", "nextCursor")]
    [InlineData("/views/job.js", "text/javascript; charset=utf-8", "stackTrace")]
    [InlineData("/views/submit.js", "text/javascript; charset=utf-8", "api.submit")]
    [InlineData("/style.css", "text/css; charset=utf-8", ".tiles")]
    [InlineData("/lib/chart.umd.min.js", "text/javascript; charset=utf-8", "Chart")]
    public async Task Each_file_is_served_with_its_type_and_the_security_headers(string path, string contentType, string content)
    {
        using var client = _server.CreateClient();
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.ToString());
        Assert.Contains(content, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.StartsWith("default-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        Assert.True(response.Headers.CacheControl?.NoCache);
        Assert.NotNull(response.Headers.ETag);
    }

    [Fact]
    public async Task The_files_need_no_token_but_the_api_does()
    {
        using var client = _server.CreateClient();
        using var page = await client.GetAsync(new Uri("/api.js", UriKind.Relative));
        using var api = await client.GetAsync(new Uri("/api/kinds", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public async Task A_matching_etag_gets_304_without_a_body()
    {
        using var client = _server.CreateClient();
        using var first = await client.GetAsync(new Uri("/app.js", UriKind.Relative));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/app.js", UriKind.Relative));
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        using var second = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/nope.js")]
    [InlineData("/views/nope.js")]
    [InlineData("/Dashboard/wwwroot/app.js")]
    [InlineData("/dashboard/app.js")]
    [InlineData("/lib/chart.js")]
    public async Task Unknown_files_are_404(string path)
    {
        using var client = _server.CreateClient();
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public void Every_embedded_file_has_a_known_type_and_the_page_has_no_inline_script()
    {
        var files = DashboardEndpoints.Load();
        Assert.All(files, f => Assert.NotEqual("application/octet-stream", f.ContentType));
        var index = System.Text.Encoding.UTF8.GetString(files.Single(f => f.Route == "/").Content.Span);
        // Under the policy an inline script would not run; the page has none, and no inline handlers or styles.
        Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)", index);
        Assert.DoesNotMatch("\\son[a-z]+=", index);
        Assert.DoesNotContain("style=", index, StringComparison.Ordinal);
    }

    [Fact]
    public void The_scripts_never_insert_markup()
    {
        // Job data reaches the page only as text (dom.js `el`/`replace` build text nodes); no script uses the HTML sinks.
        foreach (var file in DashboardEndpoints.Load().Where(f => f.Route.EndsWith(".js", StringComparison.Ordinal) && !f.Route.StartsWith("/lib/", StringComparison.Ordinal)))
        {
            var text = System.Text.Encoding.UTF8.GetString(file.Content.Span);
            foreach (var sink in new[] { "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function" })
                Assert.False(text.Contains(sink, StringComparison.Ordinal), $"{file.Route} uses {sink}");
        }
    }
}
