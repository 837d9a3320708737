using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Switchyard.Server.Tests;

public sealed class HealthTests : IClassFixture<WebApplicationFactory<Program>>
{
    private readonly WebApplicationFactory<Program> _factory;

    public HealthTests(WebApplicationFactory<Program> factory) => _factory = factory;

    [Fact]
    public async Task Healthz_answers_ok()
    {
        using var client = _factory.CreateClient();
        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Dashboard_page_and_chart_library_are_served()
    {
        using var client = _factory.CreateClient();
        Assert.Contains("Switchyard", await client.GetStringAsync(new Uri("/", UriKind.Relative)));
        Assert.Contains("Chart", await client.GetStringAsync(new Uri("/lib/chart.umd.min.js", UriKind.Relative)));
    }
}
