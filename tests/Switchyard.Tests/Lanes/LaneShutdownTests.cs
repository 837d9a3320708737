using Switchyard.Testing;

namespace Switchyard.Tests.Lanes;

public class LaneShutdownTests
{
    public static TheoryData<string> Kinds => new() { "io", "io-unbounded", "cpu", "loop" };

    private static Lane Create(string kind, LaneShutdown shutdown) => kind switch
    {
        "io" => Lane.Io(new IoLaneOptions { Shutdown = shutdown, MaxConcurrency = 2 }),
        "io-unbounded" => Lane.Io(new IoLaneOptions { Shutdown = shutdown, MaxConcurrency = IoLaneOptions.Unbounded }),
        "cpu" => Lane.Cpu(new CpuLaneOptions { Shutdown = shutdown, Workers = 2 }),
        _ => Lane.Loop(new LoopLaneOptions { Shutdown = shutdown }),
    };

    [Theory, MemberData(nameof(Kinds))]
    public async Task Drain_waits_for_accepted_work_and_refuses_new_work(string kind)
    {
        var lane = Create(kind, LaneShutdown.Drain);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tokensFired = 0;
        var items = Enumerable.Range(0, 5).Select(_ => lane.RunAsync(async ct =>
        {
            await gate.Task;
            if (ct.IsCancellationRequested) Interlocked.Increment(ref tokensFired);
        })).ToArray();
        await Signal.Until(() => lane.Statistics().InFlight >= 1);

        var disposing = lane.DisposeAsync().AsTask();
        Assert.Throws<ObjectDisposedException>(() => { _ = lane.RunAsync(_ => 1); });
        Assert.False(disposing.IsCompleted);

        gate.SetResult();
        await disposing.Within();
        await Task.WhenAll(items).Within();
        Assert.Equal(0, tokensFired);
        Assert.Equal(5, lane.Statistics().Completed);
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task Cancel_fires_every_token_and_waits_for_the_items_to_end(string kind)
    {
        var lane = Create(kind, LaneShutdown.Cancel);
        var items = Enumerable.Range(0, 5).Select(_ => lane.RunAsync(async ct =>
        {
            await Task.Delay(Timeout.Infinite, ct);
        })).ToArray();
        await Signal.Until(() => lane.Statistics().InFlight >= 1);

        await lane.DisposeAsync().AsTask().Within();
        foreach (var item in items)
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => item);
        var stats = lane.Statistics();
        Assert.Equal(5, stats.Cancelled);
        Assert.Equal(0, stats.InFlight + stats.Queued);
    }

    [Fact]
    public async Task Dispose_twice_is_harmless()
    {
        var lane = Lane.Cpu();
        await lane.DisposeAsync();
        await lane.DisposeAsync();
    }
}
