using System.Text.Json;
using Switchyard.Jobs;

namespace Switchyard.Server.Tests.Api;

public sealed class StatsTests
{
    [Fact]
    public async Task Stats_show_counts_totals_throughput_and_the_hosted_worker()
    {
        await using var server = ServerHarness.Start(db => new ServerOptions { Db = db, Workers = 3, Queues = ["default", "mail"] },
            handlers => handlers.AddEcho());
        var done = await server.SubmitAsync("echo");
        var later = await server.SubmitAsync("echo", "{}", ""","queue":"mail","delaySeconds":3600""");
        await server.WaitForStateAsync(done, JobState.Succeeded);

        JsonElement stats = default;
        await ServerHarness.UntilAsync(async () =>
        {
            stats = await server.GetJsonAsync("/api/stats");
            return stats.GetProperty("workers").GetArrayLength() > 0;
        }, "the hosted worker in /api/stats");

        var totals = stats.GetProperty("totals");
        Assert.Equal(["scheduled", "available", "running", "retrying", "succeeded", "dead", "cancelled"],
            totals.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, totals.GetProperty("succeeded").GetInt64());
        Assert.Equal(1, totals.GetProperty("scheduled").GetInt64());
        Assert.Equal(0, totals.GetProperty("dead").GetInt64());

        var counts = stats.GetProperty("counts").EnumerateArray()
            .Select(c => (c.GetProperty("queue").GetString(), c.GetProperty("state").GetString(), c.GetProperty("count").GetInt64())).ToList();
        Assert.Contains(("default", "succeeded", 1L), counts);
        Assert.Contains(("mail", "scheduled", 1L), counts);

        var throughput = stats.GetProperty("throughput").EnumerateArray().ToList();
        Assert.Equal(15, throughput.Count);
        var starts = throughput.Select(b => b.GetProperty("start").GetDateTimeOffset()).ToList();
        Assert.All(starts.Zip(starts.Skip(1)), pair => Assert.Equal(TimeSpan.FromMinutes(1), pair.Second - pair.First));
        Assert.Equal(1, throughput.Sum(b => b.GetProperty("succeeded").GetInt64()));
        Assert.Equal(0, throughput.Sum(b => b.GetProperty("failed").GetInt64() + b.GetProperty("cancelled").GetInt64()));

        var worker = Assert.Single(stats.GetProperty("workers").EnumerateArray());
        Assert.Equal(Environment.ProcessId, worker.GetProperty("processId").GetInt32());
        Assert.Equal(6, worker.GetProperty("concurrency").GetInt32()); // 3 per queue, two queues
        Assert.Equal(["default", "mail"], worker.GetProperty("queues").EnumerateArray().Select(q => q.GetString()));
        foreach (var field in new[] { "id", "host", "running", "startedAt", "lastSeenAt" })
            Assert.True(worker.TryGetProperty(field, out _), field);
        Assert.Equal("scheduled", await server.StateAsync(later));
    }

    [Fact]
    public async Task Stats_without_a_worker_show_none_and_zero_totals()
    {
        await using var server = ServerHarness.Start();
        var stats = await server.GetJsonAsync("/api/stats");
        Assert.Empty(stats.GetProperty("workers").EnumerateArray());
        Assert.Empty(stats.GetProperty("counts").EnumerateArray());
        Assert.All(stats.GetProperty("totals").EnumerateObject(), p => Assert.Equal(0, p.Value.GetInt64()));
    }
}
