using System.Text.Json;
using Switchyard.Jobs;

namespace Switchyard.Server.Tests.Api;

public sealed class ListTests
{
    private static ServerHarness Start() => ServerHarness.Start(db => new ServerOptions { Db = db, Workers = 0 },
        handlers => handlers
            .Add<JsonElement>("alpha", (p, _, _) => ValueTask.FromResult<object?>(p))
            .Add<JsonElement>("beta", (p, _, _) => ValueTask.FromResult<object?>(p)));

    private static List<long> Ids(JsonElement page) => page.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetInt64()).ToList();

    [Fact]
    public async Task Keyset_paging_walks_every_job_newest_first_without_repeats()
    {
        await using var server = Start();
        var submitted = new List<long>();
        for (var i = 0; i < 7; i++) submitted.Add(await server.SubmitAsync("alpha", $$"""{"i":{{i}}}"""));

        var seen = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await server.GetJsonAsync("/api/jobs?limit=3" + (cursor is null ? "" : "&cursor=" + cursor));
            var ids = Ids(page);
            Assert.InRange(ids.Count, 1, 3);
            seen.AddRange(ids);
            cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(submitted.OrderDescending(), seen);
    }

    [Fact]
    public async Task The_default_page_is_50_and_limit_500_is_accepted()
    {
        await using var server = Start();
        var batch = "[" + string.Join(",", Enumerable.Range(0, 60).Select(i => $$$"""{"kind":"alpha","payload":{"i":{{{i}}}}}""")) + "]";
        await server.PostJsonAsync("/api/jobs", batch);
        var first = await server.GetJsonAsync("/api/jobs");
        Assert.Equal(50, Ids(first).Count);
        Assert.Equal(JsonValueKind.String, first.GetProperty("nextCursor").ValueKind);
        var all = await server.GetJsonAsync("/api/jobs?limit=500");
        Assert.Equal(60, Ids(all).Count);
        Assert.Equal(JsonValueKind.Null, all.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task Filters_by_state_queue_kind_and_search_combine()
    {
        await using var server = Start();
        var mailAlpha = await server.SubmitAsync("alpha", """{"to":"ada@example.com"}""", ""","queue":"mail" """);
        var mailBeta = await server.SubmitAsync("beta", """{"to":"bob@example.com"}""", ""","queue":"mail" """);
        var defaultAlpha = await server.SubmitAsync("alpha", """{"to":"ada@example.com"}""");
        var cancelled = await server.SubmitAsync("beta", """{"to":"cy@example.com"}""");
        await server.PostJsonAsync($"/api/jobs/{cancelled}/cancel", "");

        Assert.Equal([mailBeta, mailAlpha], Ids(await server.GetJsonAsync("/api/jobs?queue=mail")));
        Assert.Equal([defaultAlpha, mailAlpha], Ids(await server.GetJsonAsync("/api/jobs?kind=alpha")));
        Assert.Equal([defaultAlpha, mailAlpha], Ids(await server.GetJsonAsync("/api/jobs?search=ADA@")));
        Assert.Equal([mailAlpha], Ids(await server.GetJsonAsync("/api/jobs?search=ada&queue=mail&kind=alpha")));
        Assert.Equal([cancelled], Ids(await server.GetJsonAsync("/api/jobs?state=cancelled")));
        Assert.Equal([cancelled, defaultAlpha, mailBeta, mailAlpha], Ids(await server.GetJsonAsync("/api/jobs?state=available,cancelled")));
        Assert.Empty(Ids(await server.GetJsonAsync("/api/jobs?state=running")));
        Assert.Empty(Ids(await server.GetJsonAsync("/api/jobs?queue=nowhere")));
        var cancelledJob = await server.WaitForStateAsync(cancelled, JobState.Cancelled);
        Assert.NotNull(cancelledJob.FinishedAt);
    }
}
