using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Switchyard.Server.Tests;

/// <summary>The unauthenticated surface: health, the dashboard's page, the OpenAPI document.</summary>
public sealed class HealthTests : IAsyncLifetime
{
    private ServerHarness _server = null!;

    public Task InitializeAsync()
    {
        _server = ServerHarness.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Healthz_answers_ok()
    {
        using var client = _server.CreateClient();
        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Dashboard_page_and_chart_library_are_served()
    {
        using var client = _server.CreateClient();
        Assert.Contains("Switchyard", await client.GetStringAsync(new Uri("/", UriKind.Relative)));
        Assert.Contains("Chart", await client.GetStringAsync(new Uri("/lib/chart.umd.min.js", UriKind.Relative)));
    }

    [Fact]
    public async Task The_openapi_document_describes_every_endpoint()
    {
        using var client = _server.CreateClient();
        var document = await client.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Equal("Switchyard API", document.GetProperty("info").GetProperty("title").GetString());
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var path in new[]
        {
            "/api/jobs", "/api/jobs/{id}", "/api/jobs/{id}/cancel", "/api/jobs/{id}/retry", "/api/jobs/purge", "/api/kinds",
            "/api/stats", "/api/events", "/healthz", "/metrics",
        })
            Assert.Contains(path, paths);
        Assert.True(document.GetProperty("paths").GetProperty("/api/jobs").TryGetProperty("post", out var post));
        Assert.True(post.TryGetProperty("requestBody", out _));
    }
}
