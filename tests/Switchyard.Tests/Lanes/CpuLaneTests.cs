using Switchyard.Testing;

namespace Switchyard.Tests.Lanes;

public class CpuLaneTests
{
    [Fact]
    public async Task Runs_work_in_parallel_on_its_own_threads()
    {
        await using var lane = (CpuLane)Lane.Cpu(new CpuLaneOptions { Workers = 2, Name = "crunch" });
        using var barrier = new Barrier(2);
        // Both items must be inside at once for either to pass the barrier.
        var threads = await Task.WhenAll(
            lane.RunAsync(_ => { Assert.True(barrier.SignalAndWait(Signal.Patience)); return Environment.CurrentManagedThreadId; }),
            lane.RunAsync(_ => { Assert.True(barrier.SignalAndWait(Signal.Patience)); return Environment.CurrentManagedThreadId; })).Within();

        Assert.NotEqual(threads[0], threads[1]);
        Assert.All(threads, t => Assert.Contains(t, lane.Threads.ThreadIds));
        Assert.Equal(2, lane.Parallelism);
        Assert.Equal("crunch", lane.Statistics().Lane);
    }

    [Fact]
    public async Task Threads_start_only_when_queued_items_find_none_free()
    {
        await using var lane = (CpuLane)Lane.Cpu(new CpuLaneOptions { Workers = 64 });
        // One item at a time needs one thread; a second may start when the next item is queued between the first
        // thread completing an item and freeing itself again.
        for (var i = 0; i < 10; i++) await lane.RunAsync(_ => i).Within();
        Assert.InRange(lane.Threads.ThreadIds.Count, 1, 2);

        // Three blocked at once need three threads, and get them.
        using var barrier = new Barrier(3);
        Assert.All(await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => lane.RunAsync(_ => barrier.SignalAndWait(Signal.Patience)))).Within(), Assert.True);
        Assert.InRange(lane.Threads.ThreadIds.Count, 3, 4);
        Assert.Equal(64, lane.Parallelism);
    }

    [Fact]
    public async Task A_saturated_cpu_lane_does_not_starve_the_io_lane()
    {
        var workers = Environment.ProcessorCount * 2;
        await using var cpu = Lane.Cpu(new CpuLaneOptions { Workers = workers });
        await using var io = Lane.Io();
        using var release = new ManualResetEventSlim();
        var blocked = 0;
        // Every Cpu worker blocks, and as many items again wait behind them.
        var cpuItems = Enumerable.Range(0, workers * 2).Select(_ => cpu.RunAsync(_ =>
        {
            Interlocked.Increment(ref blocked);
            release.Wait();
            return 0;
        })).ToArray();
        await Signal.Until(() => Volatile.Read(ref blocked) == workers);

        // Io items hop threads at every await; they need the thread pool, not the Cpu lane's threads.
        var ioItems = Enumerable.Range(0, 200).Select(i => io.RunAsync(async _ =>
        {
            await Task.Yield();
            await Task.Delay(1);
            return i;
        })).ToArray();
        var results = await Task.WhenAll(ioItems).Within();

        Assert.Equal(200, results.Length);
        Assert.Equal(workers, cpu.Statistics().InFlight);
        Assert.Equal(workers, cpu.Statistics().Queued);
        release.Set();
        await Task.WhenAll(cpuItems).Within();
    }

    [Fact]
    public async Task Awaits_inside_async_work_resume_on_the_lane_threads()
    {
        await using var lane = (CpuLane)Lane.Cpu(new CpuLaneOptions { Workers = 1 });
        var seen = await lane.RunAsync(async _ =>
        {
            var ids = new List<int> { Environment.CurrentManagedThreadId };
            for (var i = 0; i < 5; i++)
            {
                await Task.Delay(1);
                ids.Add(Environment.CurrentManagedThreadId);
            }
            return ids;
        }).Within();
        Assert.All(seen, id => Assert.Equal(lane.Threads.ThreadIds[0], id));
    }

    [Fact]
    public async Task Statistics_count_queued_running_and_outcomes()
    {
        await using var lane = Lane.Cpu(new CpuLaneOptions { Workers = 1 });
        using var release = new ManualResetEventSlim();
        var running = lane.RunAsync(_ => { release.Wait(); return 1; });
        var failing = lane.RunAsync(new Func<CancellationToken, int>(_ => throw new FormatException("x")));
        using var cts = new CancellationTokenSource();
        var cancelled = lane.RunAsync(_ => 3, cts.Token);
        await Signal.Until(() => lane.Statistics().InFlight == 1);
        Assert.Equal(2, lane.Statistics().Queued);

        cts.Cancel();
        release.Set();
        await running.Within();
        await Assert.ThrowsAsync<FormatException>(() => failing).Within();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled).Within();
        var s = lane.Statistics();
        Assert.Equal((1L, 1L, 1L, 0L, 0L), (s.Completed, s.Failed, s.Cancelled, s.Queued, s.InFlight));
    }

    [Fact]
    public async Task Code_after_awaiting_an_item_does_not_run_on_a_lane_thread()
    {
        await using var lane = (CpuLane)Lane.Cpu(new CpuLaneOptions { Workers = 1 });
        // Run the await where no context would send the continuation elsewhere: on a plain pool thread.
        var (thread, scheduler) = await Task.Run(async () =>
        {
            await lane.RunAsync(_ => 1);
            return (Environment.CurrentManagedThreadId, TaskScheduler.Current);
        }).Within();
        Assert.DoesNotContain(thread, lane.Threads.ThreadIds);
        Assert.Same(TaskScheduler.Default, scheduler);
    }
}
