using System.Text.Json;

namespace Switchyard.Server.Tests.Api;

public sealed class EventsTests
{
    private static ServerHarness Start(int workers) => ServerHarness.Start(db => new ServerOptions { Db = db, Workers = workers },
        handlers => handlers.AddEcho());

    private static (long Id, string State) Of(JsonElement job) => (job.GetProperty("id").GetInt64(), job.GetProperty("state").GetString()!);

    [Fact]
    public async Task A_submitted_jobs_changes_arrive_until_it_succeeds()
    {
        await using var server = Start(workers: 2);
        await using var events = await EventStream.OpenAsync(server.Client);
        var id = await server.SubmitAsync("echo", """{"hello":"world"}""");

        var lastSequence = 0L;
        while (true)
        {
            var (sequence, job) = await events.NextAsync();
            Assert.True(sequence > lastSequence, $"event ids must grow: {sequence} after {lastSequence}");
            lastSequence = sequence;
            Assert.Equal(id, job.GetProperty("id").GetInt64());
            Assert.Equal("world", job.GetProperty("payload").GetProperty("hello").GetString());
            if (job.GetProperty("state").GetString() == "succeeded")
            {
                Assert.Equal("world", job.GetProperty("result").GetProperty("hello").GetString());
                break;
            }
        }
    }

    [Fact]
    public async Task A_stream_without_last_event_id_starts_at_now()
    {
        await using var server = Start(workers: 0);
        await server.SubmitAsync("echo");
        await using var events = await EventStream.OpenAsync(server.Client);
        var fresh = await server.SubmitAsync("echo");
        Assert.Equal((fresh, "available"), Of((await events.NextAsync()).Job));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reconnecting_with_last_event_id_gets_exactly_the_missed_changes(bool inQuery)
    {
        await using var server = Start(workers: 0);
        long seen;
        long x;
        await using (var first = await EventStream.OpenAsync(server.Client))
        {
            x = await server.SubmitAsync("echo");
            var (sequence, job) = await first.NextAsync();
            Assert.Equal((x, "available"), Of(job));
            seen = sequence;
        }

        // Missed while disconnected: x cancelled, y submitted.
        await server.PostJsonAsync($"/api/jobs/{x}/cancel", "");
        var y = await server.SubmitAsync("echo");

        await using var resumed = inQuery
            ? await EventStream.OpenAsync(server.Client, query: $"?lastEventId={seen}")
            : await EventStream.OpenAsync(server.Client, lastEventId: seen.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal((x, "cancelled"), Of((await resumed.NextAsync()).Job));
        Assert.Equal((y, "available"), Of((await resumed.NextAsync()).Job));
        // Nothing else was pending: the next event is the next change.
        var z = await server.SubmitAsync("echo");
        Assert.Equal((z, "available"), Of((await resumed.NextAsync()).Job));
    }

    [Fact]
    public async Task A_quiet_stream_sends_keep_alive_comments()
    {
        await using var server = ServerHarness.Start(db => new ServerOptions { Db = db, Workers = 0, KeepAliveInterval = TimeSpan.FromMilliseconds(50) });
        await using var events = await EventStream.OpenAsync(server.Client);
        Assert.Equal(": keep-alive", await events.NextCommentAsync());
    }
}
