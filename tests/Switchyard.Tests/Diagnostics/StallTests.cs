using Switchyard.Testing;
using Switchyard.Tests.Lanes;

namespace Switchyard.Tests.Diagnostics;

public class StallTests
{
    // Blocking the thread is the behaviour under test here, not a way of waiting for a result.
    private static async ValueTask BlocksItsThread(CancellationToken _)
    {
        Thread.Sleep(120);
        await Task.Yield();
    }

    private static async ValueTask AwaitsADelay(CancellationToken ct) => await Task.Delay(120, ct);

    [Fact]
    public async Task A_blocking_call_on_the_io_lane_raises_a_warning_naming_the_method()
    {
        var log = new AutoLaneTests.ListLogger();
        await using var lane = Lane.Io(new IoLaneOptions { Name = "io-stall", Logger = log });
        var stalls = new List<LaneStallEventArgs>();
        lane.Stalled += (_, e) => { lock (stalls) stalls.Add(e); };

        await lane.RunAsync(BlocksItsThread).Within();

        var stall = Assert.Single(stalls);
        Assert.Equal("io-stall", stall.Lane);
        Assert.Contains("StallTests.BlocksItsThread", stall.Work);
        Assert.True(stall.Blocked >= TimeSpan.FromMilliseconds(100));
        Assert.Contains(log.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("BlocksItsThread", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_awaited_delay_raises_nothing()
    {
        await using var io = Lane.Io();
        await using var loop = Lane.Loop();
        var stalls = 0;
        io.Stalled += (_, _) => Interlocked.Increment(ref stalls);
        loop.Stalled += (_, _) => Interlocked.Increment(ref stalls);
        await Task.WhenAll(io.RunAsync(AwaitsADelay), loop.RunAsync(AwaitsADelay)).Within();
        Assert.Equal(0, stalls);
    }

    [Fact]
    public async Task A_blocking_continuation_on_the_loop_lane_is_caught_too()
    {
        await using var lane = Lane.Loop(new LoopLaneOptions { Name = "loop-stall" });
        var stalled = new TaskCompletionSource<LaneStallEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        lane.Stalled += (_, e) => stalled.TrySetResult(e);
        await lane.RunAsync(async _ =>
        {
            await Task.Delay(1);
            Thread.Sleep(120); // blocks the loop after an await: every other item on the loop waits
        }).Within();
        // The loop reports once the blocking callback has returned, which is after the item completed.
        var stall = await stalled.Task.Within();
        Assert.Contains("StallTests", stall.Work);
        Assert.Equal("loop-stall", stall.Lane);
    }

    [Fact]
    public async Task Detection_can_be_turned_off()
    {
        await using var lane = Lane.Io(new IoLaneOptions { StallThreshold = null });
        var stalls = 0;
        lane.Stalled += (_, _) => stalls++;
        await lane.RunAsync(BlocksItsThread).Within();
        Assert.Equal(0, stalls);
    }
}

[CollectionDefinition(nameof(ThreadPoolStarvation), DisableParallelization = true)]
public class ThreadPoolStarvation;

[Collection(nameof(ThreadPoolStarvation))]
public class ThreadPoolWatchdogTests
{
    [Fact]
    public async Task Starving_the_pool_is_reported()
    {
        using var watchdog = ThreadPoolWatchdog.Start(new ThreadPoolWatchdogOptions
        {
            Interval = TimeSpan.FromMilliseconds(50), Threshold = TimeSpan.FromMilliseconds(100),
        });
        var reported = new TaskCompletionSource<ThreadPoolStarvationEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        watchdog.Starved += (_, e) => reported.TrySetResult(e);

        using var release = new ManualResetEventSlim();
        ThreadPool.GetMinThreads(out var workers, out _);
        // Occupy more pool threads than the pool keeps ready; the pool adds threads only slowly.
        var blockers = Enumerable.Range(0, workers * 4).Select(_ => Task.Factory.StartNew(() => release.Wait(Signal.Patience),
            CancellationToken.None, TaskCreationOptions.None, TaskScheduler.Default)).ToArray();
        try
        {
            var report = await reported.Task.WaitAsync(Signal.Patience);
            Assert.True(report.Waited >= TimeSpan.FromMilliseconds(100));
            Assert.True(watchdog.Reports >= 1);
        }
        finally
        {
            release.Set();
            await Task.WhenAll(blockers);
        }
    }
}
