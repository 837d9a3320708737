using Switchyard.Processes.Tests.Support;
using Switchyard.Testing;

namespace Switchyard.Processes.Tests;

public sealed class PoolLifeTests
{
    [Fact]
    public async Task Workers_are_recycled_after_N_items()
    {
        await using var lane = ProcessLane.Create(new ProcessLaneOptions { Workers = 1, WorkerOutput = TextWriter.Null, MaxItemsPerWorker = 3 });
        var pids = new List<int>();
        for (var i = 0; i < 9; i++) pids.Add(await lane.SubmitAsync(Remote.Pid, i).Within());
        Assert.Equal(3, pids.Distinct().Count());
        Assert.All(pids.GroupBy(p => p), g => Assert.Equal(3, g.Count()));
        await Signal.Until(() => lane.PoolStatistics().Recycles >= 2, what: "two recycles");
        Assert.Equal(0, lane.PoolStatistics().Restarts);
    }

    [Fact]
    public async Task Disposing_leaves_no_worker_behind_even_after_a_crash()
    {
        var lane = TestLanes.Create();
        await lane.MapAsync(Enumerable.Range(0, 10), Remote.Square).Within();
        await Signal.Until(() => lane.PoolStatistics().WorkersAlive == 2, what: "two workers");
        var first = lane.PoolStatistics().WorkerPids.ToList();
        Assert.Equal(2, first.Count);

        var outcomes = new List<Outcome<int>>();
        await foreach (var o in lane.Stream(Enumerable.Range(0, 10), Remote.FailFastOn).Outcomes()) outcomes.Add(o);
        await Signal.Until(() => lane.PoolStatistics().WorkersAlive == 2, what: "the replacement");
        var all = first.Concat(lane.PoolStatistics().WorkerPids).Distinct().ToList();
        Assert.True(all.Count >= 3);

        await lane.DisposeAsync().AsTask().Within();
        Assert.All(all, pid => Assert.True(TestLanes.Exited(pid), $"worker {pid} is still running"));
        Assert.Empty(lane.PoolStatistics().WorkerPids);
    }

    [Fact]
    public async Task Disposing_right_after_a_map_never_waits_on_an_idle_worker()
    {
        // A slot that saw the queue close before it saw the pool stop used to wait for its idle worker's next answer,
        // forever: a race of a few instructions, so this repeats the dispose that exposed it.
        for (var round = 0; round < 10; round++)
        {
            var lane = TestLanes.Create();
            Assert.Equal(2470, (await lane.MapAsync(Enumerable.Range(0, 20), Remote.Square).Within()).Sum());
            await lane.DisposeAsync().AsTask().Within();
        }
    }

    [Fact]
    public async Task Disposing_with_cancel_kills_busy_workers_even_when_the_work_ignores_its_token()
    {
        var lane = ProcessLane.Create(new ProcessLaneOptions
        {
            Workers = 2, WorkerOutput = TextWriter.Null, Shutdown = LaneShutdown.Cancel, CancellationGrace = TimeSpan.FromSeconds(1),
        });
        Func<int, CancellationToken, ValueTask<int>> wait = Remote.WaitForCancelAsync;
        await Signal.Until(() => lane.PoolStatistics().WorkersAlive == 2, what: "two workers");
        var items = new[] { lane.SubmitAsync(wait, 0), lane.SubmitAsync(Remote.Hang, 1) };
        await Signal.Until(() => lane.PoolStatistics().WorkersBusy == 2, what: "both workers busy");
        var pids = lane.PoolStatistics().WorkerPids.ToList();
        await lane.DisposeAsync().AsTask().Within();
        Assert.All(pids, pid => Assert.True(TestLanes.Exited(pid)));
        foreach (var item in items) await Assert.ThrowsAnyAsync<OperationCanceledException>(() => item);
    }

    [Fact]
    public async Task A_queued_item_cancelled_before_it_is_sent_never_runs()
    {
        await using var lane = ProcessLane.Create(new ProcessLaneOptions { Workers = 1, WorkerOutput = TextWriter.Null, CancellationGrace = TimeSpan.FromMinutes(5) });
        using var busy = new CancellationTokenSource();
        Func<int, CancellationToken, ValueTask<int>> wait = Remote.WaitForCancelAsync;
        var blocker = lane.SubmitAsync(wait, 0, busy.Token);
        await Signal.Until(() => lane.PoolStatistics().WorkersBusy == 1, what: "the worker to be busy");
        var fillers = Enumerable.Range(0, 3).Select(i => lane.SubmitAsync(Remote.Square, i)).ToArray(); // take the worker's queue
        using var cancel = new CancellationTokenSource();
        var queued = lane.SubmitAsync(Remote.Square, 9, cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued.Within());
        await busy.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocker.Within());
        Assert.Equal(new[] { 0, 1, 4 }, await Task.WhenAll(fillers).Within());
        Assert.Equal(3, lane.PoolStatistics().ItemsDone);
    }

    [Fact]
    public async Task A_disposed_lane_refuses_work()
    {
        var lane = TestLanes.Create(1);
        await lane.DisposeAsync();
        Assert.IsType<ObjectDisposedException>(Record.Exception(() => { _ = lane.SubmitAsync(Remote.Square, 1); }));
    }

    [Fact]
    public async Task Two_workers_are_busy_at_once()
    {
        var dir = Directory.CreateTempSubdirectory("syd-rendezvous-").FullName;
        try
        {
            await using var lane = TestLanes.Create(2);
            await Signal.Until(() => lane.PoolStatistics().WorkersAlive == 2, what: "two workers");
            // Each item waits inside its worker for the other's mark: they finish only if both run at the same time.
            var pids = await Task.WhenAll(lane.SubmitAsync(Remote.Rendezvous, dir), lane.SubmitAsync(Remote.Rendezvous, dir)).Within();
            Assert.NotEqual(pids[0], pids[1]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task An_infinite_lazy_input_is_read_through_the_window()
    {
        await using var lane = TestLanes.Create();
        var pulled = 0L;
        IEnumerable<int> Endless()
        {
            for (var i = 0; ; i++)
            {
                Interlocked.Increment(ref pulled);
                yield return i;
            }
        }
        var seen = 0;
        await foreach (var value in lane.Stream(Endless(), Remote.Square, new MapOptions { ChunkSize = 10, Window = 200 }))
        {
            Assert.Equal(seen * seen, value);
            if (++seen == 1000) break;
        }
        Assert.InRange(Interlocked.Read(ref pulled), 1000, 1000 + 200 + 10);
    }

    [Fact]
    public async Task Statistics_count_items_and_workers()
    {
        await using var lane = TestLanes.Create(2);
        await Signal.Until(() => lane.PoolStatistics().WorkersAlive == 2, what: "two workers");
        var outcomes = new List<Outcome<int>>();
        await foreach (var o in lane.Stream(Enumerable.Range(0, 10), Remote.Throw).Outcomes()) outcomes.Add(o);
        var stats = lane.PoolStatistics();
        Assert.Equal(9, stats.ItemsDone);
        Assert.Equal(1, stats.ItemsFailed);
        Assert.Equal(0, stats.WorkersBusy);
        Assert.Equal(2, stats.WorkerPids.Count);
    }
}
