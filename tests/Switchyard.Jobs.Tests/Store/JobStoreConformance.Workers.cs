using Switchyard.Jobs.Store;

namespace Switchyard.Jobs.Tests.Store;

/// <summary>The worker registry: <see cref="IJobStore.HeartbeatWorkerAsync"/>, <see cref="IJobStore.ListWorkersAsync"/>, <see cref="IJobStore.RemoveWorkerAsync"/>.</summary>
public abstract partial class JobStoreConformance
{
    /// <summary>When the test workers started: before the clock's start.</summary>
    private static readonly DateTimeOffset WorkerStart = new(2026, 11, 21, 11, 55, 0, TimeSpan.Zero);

    private static WorkerInfo WorkerNamed(string id, int running = 0, IReadOnlyList<string>? queues = null) =>
        new(id, "host-a", 4242, queues ?? ["mail", "video"], 16, running, WorkerStart, DateTimeOffset.UnixEpoch);

    private static object Shape(WorkerInfo w) => (w.Id, w.Host, w.ProcessId, string.Join(",", w.Queues), w.Concurrency, w.Running, w.StartedAt, w.LastSeenAt);

    [Fact]
    public async Task A_heartbeat_registers_a_worker_seen_now_by_the_stores_clock_and_the_next_one_replaces_it()
    {
        var started = WorkerStart;
        await Store.HeartbeatWorkerAsync(WorkerNamed("w1", running: 3));
        await Store.HeartbeatWorkerAsync(WorkerNamed("w0", queues: []));

        Assert.Equal(
            [Shape(new WorkerInfo("w0", "host-a", 4242, [], 16, 0, started, Now)), Shape(new WorkerInfo("w1", "host-a", 4242, ["mail", "video"], 16, 3, started, Now))],
            (await Store.ListWorkersAsync(Now - TimeSpan.FromSeconds(1))).Select(Shape));

        Clock.Advance(TimeSpan.FromSeconds(10));
        await Store.HeartbeatWorkerAsync(WorkerNamed("w1", running: 7));

        var seen = await Store.ListWorkersAsync(Now - TimeSpan.FromSeconds(5));
        Assert.Equal([Shape(new WorkerInfo("w1", "host-a", 4242, ["mail", "video"], 16, 7, started, Now))], seen.Select(Shape));
        // Another instance (another process or machine) sees the same registry.
        var other = await OpenSameStoreAsync(Store, Clock);
        _stores.Add(other);
        Assert.Equal(["w0", "w1"], (await other.ListWorkersAsync(Now - TimeSpan.FromMinutes(1))).Select(w => w.Id));
    }

    [Fact]
    public async Task A_removed_worker_is_no_longer_listed()
    {
        await Store.HeartbeatWorkerAsync(WorkerNamed("w1"));
        await Store.HeartbeatWorkerAsync(WorkerNamed("w2"));

        await Store.RemoveWorkerAsync("w1");
        await Store.RemoveWorkerAsync("never-registered");

        Assert.Equal(["w2"], (await Store.ListWorkersAsync(Now - TimeSpan.FromMinutes(1))).Select(w => w.Id));
    }

    [Fact]
    public async Task A_heartbeat_prunes_workers_unseen_for_over_an_hour()
    {
        var longAgo = Now - TimeSpan.FromDays(1);
        await Store.HeartbeatWorkerAsync(WorkerNamed("gone"));
        Clock.Advance(TimeSpan.FromMinutes(30));
        await Store.HeartbeatWorkerAsync(WorkerNamed("quiet"));
        Clock.Advance(TimeSpan.FromMinutes(31));

        await Store.HeartbeatWorkerAsync(WorkerNamed("alive"));

        Assert.Equal(["alive", "quiet"], (await Store.ListWorkersAsync(longAgo)).Select(w => w.Id));
    }

    [Fact]
    public async Task A_bad_worker_entry_is_refused_with_the_field_and_nothing_is_written()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => Store.HeartbeatWorkerAsync(WorkerNamed("")));
        Assert.Contains("WorkerInfo.Id", e.Message, StringComparison.Ordinal);
        e = await Assert.ThrowsAsync<ArgumentException>(() => Store.HeartbeatWorkerAsync(WorkerNamed("w1") with { Concurrency = 0 }));
        Assert.Contains("WorkerInfo.Concurrency must be at least 1", e.Message, StringComparison.Ordinal);
        Assert.Empty(await Store.ListWorkersAsync(Now - TimeSpan.FromDays(1)));
    }
}
