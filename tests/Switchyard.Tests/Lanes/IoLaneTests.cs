using System.Threading.RateLimiting;
using Switchyard.Testing;

namespace Switchyard.Tests.Lanes;

public class IoLaneTests
{
    [Fact]
    public async Task Overloads_for_async_sync_and_void_work_resolve_and_return_results()
    {
        await using var lane = Lane.Io();
        int a = await lane.RunAsync(_ => 1);
        int b = await lane.RunAsync(async _ => { await Task.Yield(); return 2; });
        int c = await lane.RunAsync(_ => ValueTask.FromResult(3));
        var ran = false;
        await lane.RunAsync(async _ => { await Task.Yield(); ran = true; });
        Assert.Equal(6, a + b + c);
        Assert.True(ran);
        Assert.Equal(4, lane.Statistics().Completed);
    }

    [Fact]
    public async Task Concurrency_limit_holds_the_rest_in_the_queue_in_order()
    {
        await using var lane = Lane.Io(new IoLaneOptions { MaxConcurrency = 5 });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = 0;
        var peak = 0;
        var started = new List<int>();
        var tasks = Enumerable.Range(0, 50).Select(i => lane.RunAsync(async _ =>
        {
            var now = Interlocked.Increment(ref running);
            lock (started) { started.Add(i); peak = Math.Max(peak, now); }
            await gate.Task;
            Interlocked.Decrement(ref running);
        })).ToArray();

        await Signal.Until(() => lane.Statistics().InFlight == 5);
        var stats = lane.Statistics();
        Assert.Equal(45, stats.Queued);
        Assert.Equal(5, stats.InFlight);

        gate.SetResult();
        await Task.WhenAll(tasks).Within();
        Assert.Equal(5, peak);
        Assert.Equal(Enumerable.Range(0, 5), started.Take(5).Order());
        Assert.Equal(50, lane.Statistics().Completed);
        Assert.Equal(0, lane.Statistics().Queued);
    }

    [Fact]
    public async Task Hundred_thousand_concurrent_waits_are_all_in_flight_at_once()
    {
        const int n = 100_000;
        await using var lane = Lane.Io(new IoLaneOptions { MaxConcurrency = IoLaneOptions.Unbounded });
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = new Task<int>[n];
        for (var i = 0; i < n; i++)
        {
            var value = i;
            tasks[i] = lane.RunAsync(async _ => { await release.Task; return value; });
        }

        Assert.Equal(n, lane.Statistics().InFlight);
        release.SetResult();
        var results = await Task.WhenAll(tasks).Within();
        Assert.Equal(n, results.Distinct().Count());
        Assert.Equal(n, lane.Statistics().Completed);
    }

    [Fact]
    public async Task Rate_limiter_admits_one_item_per_permit()
    {
        using var limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = 2, TokensPerPeriod = 2, ReplenishmentPeriod = TimeSpan.FromTicks(1),
            AutoReplenishment = false, QueueLimit = 100, QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        await using var lane = Lane.Io(new IoLaneOptions { RateLimiter = limiter });
        var done = 0;
        var tasks = Enumerable.Range(0, 6).Select(_ => lane.RunAsync(_ => { Interlocked.Increment(ref done); return ValueTask.CompletedTask; })).ToArray();

        await Signal.Until(() => Volatile.Read(ref done) == 2);
        Assert.Equal(4, lane.Statistics().Queued);
        limiter.TryReplenish();
        await Signal.Until(() => Volatile.Read(ref done) == 4);
        Assert.Equal(2, lane.Statistics().Queued);
        limiter.TryReplenish();
        await Task.WhenAll(tasks).Within();
        Assert.Equal(6, lane.Statistics().Completed);
    }

    [Fact]
    public async Task Failure_reaches_the_caller_unchanged_and_is_counted()
    {
        await using var lane = Lane.Io();
        var error = await Assert.ThrowsAsync<InvalidDataException>(() =>
            lane.RunAsync<int>(async _ => { await Task.Yield(); throw new InvalidDataException("bad row 7"); }));
        Assert.Equal("bad row 7", error.Message);
        Assert.Equal(1, lane.Statistics().Failed);
    }

    [Fact]
    public async Task Cancelling_a_queued_item_ends_it_without_running_it()
    {
        await using var lane = Lane.Io(new IoLaneOptions { MaxConcurrency = 1 });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = lane.RunAsync(async _ => await gate.Task);
        using var cts = new CancellationTokenSource();
        var ranSecond = false;
        var second = lane.RunAsync(_ => { ranSecond = true; return ValueTask.CompletedTask; }, cts.Token);
        Assert.Equal(1, lane.Statistics().Queued);

        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second).Within();
        gate.SetResult();
        await first.Within();
        Assert.False(ranSecond);
        var stats = lane.Statistics();
        Assert.Equal((1, 1, 0L, 0L), (stats.Completed, stats.Cancelled, stats.Queued, stats.InFlight));
    }

    [Fact]
    public async Task Synchronous_work_runs_on_the_pool_without_blocking_the_caller()
    {
        await using var lane = Lane.Io();
        using var block = new ManualResetEventSlim();
        var task = lane.RunAsync(_ => { block.Wait(); return Thread.CurrentThread.IsThreadPoolThread; });
        Assert.False(task.IsCompleted); // the caller came back while the work was still blocked
        block.Set();
        Assert.True(await task.Within());
    }

    [Fact]
    public void Bad_options_are_refused_naming_the_field()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Lane.Io(new IoLaneOptions { MaxConcurrency = 0 }));
        Assert.Contains("MaxConcurrency", error.Message);
    }

    [Fact]
    public async Task Items_never_run_in_the_callers_synchronization_context_or_scheduler()
    {
        await using var io = Lane.Io();
        await using var cpu = Lane.Cpu(new CpuLaneOptions { Workers = 1 });
        var previous = SynchronizationContext.Current;
        var foreign = new SynchronizationContext();
        SynchronizationContext.SetSynchronizationContext(foreign);
        Task<bool> fromContext;
        try
        {
            fromContext = io.RunAsync(async _ =>
            {
                await Task.Yield();
                return SynchronizationContext.Current is null && Thread.CurrentThread.IsThreadPoolThread;
            });
            Assert.Same(foreign, SynchronizationContext.Current); // the caller's context is put back
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
        Assert.True(await fromContext.Within());

        // Started from inside a Cpu-lane item, whose scheduler is current there.
        var onPool = await cpu.RunAsync(_ => io.RunAsync(async _ =>
        {
            await Task.Delay(1);
            return TaskScheduler.Current == TaskScheduler.Default && Thread.CurrentThread.IsThreadPoolThread;
        })).Unwrap().Within();
        Assert.True(onPool);
    }

    [Fact]
    public async Task The_unbounded_hot_path_counts_every_outcome_and_returns_the_callers_own_failure()
    {
        await using var lane = Lane.Io(new IoLaneOptions { MaxConcurrency = IoLaneOptions.Unbounded });
        var thrown = new FormatException("row 9");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ok = lane.RunAsync(async _ => { await gate.Task; return 1; });
        var bad = lane.RunAsync(new Func<CancellationToken, ValueTask<int>>(async _ => { await gate.Task; throw thrown; }));
        var synchronous = lane.RunAsync(new Func<CancellationToken, ValueTask<int>>(_ => throw new InvalidOperationException("at once")));
        Assert.Equal(2, lane.Statistics().InFlight);

        gate.SetResult();
        Assert.Equal(1, await ok.Within());
        Assert.Same(thrown, await Assert.ThrowsAsync<FormatException>(() => bad).Within());
        await Assert.ThrowsAsync<InvalidOperationException>(() => synchronous);
        var stats = lane.Statistics();
        Assert.Equal((1L, 2L, 0L), (stats.Completed, stats.Failed, stats.InFlight));
    }
}
