using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchyard.Bench;
using Switchyard.Testing;

namespace Switchyard.Tests.Bench;

/// <summary>The server suite's load generator, against a real Kestrel endpoint on loopback.</summary>
public sealed class HttpLoadTests
{
    [Fact]
    public async Task Sends_every_request_once_from_many_connections_and_counts_failures()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        var connections = new System.Collections.Concurrent.ConcurrentDictionary<string, byte>();
        app.MapGet("/item/{i:int}", (int i, HttpContext http) =>
        {
            seen.AddOrUpdate(i, 1, (_, n) => n + 1);
            connections.TryAdd(http.Connection.Id, 0);
            return i % 10 == 0 ? Results.StatusCode(500) : Results.Ok(i);
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        var result = await HttpLoad.RunAsync(address, 8, 400,
            (client, i, ct) => client.GetAsync(new Uri($"/item/{i}", UriKind.Relative), ct), CancellationToken.None).Within();

        Assert.Equal(400, result.Requests);
        Assert.Equal(Enumerable.Range(0, 400), seen.Keys.Order());
        Assert.All(seen.Values, n => Assert.Equal(1, n));
        Assert.Equal(40, result.Failures);                      // every tenth answered 500
        Assert.InRange(connections.Count, 1, 8);                // kept-alive connections, never more than the loops
        Assert.True(result.P50Ms > 0 && result.P50Ms <= result.P99Ms, $"p50 {result.P50Ms} ms, p99 {result.P99Ms} ms");
        Assert.Equal(400 / result.Seconds, result.PerSecond, 6);
        await app.StopAsync();
    }
}
