using Switchyard.Testing;

namespace Switchyard.Tests.Pipelines;

/// <summary>
/// The memory bound: items pulled from the source and not yet consumed by the sink never exceed
/// 1 + Σ (Capacity + Concurrency) over the stages and the sink.
/// </summary>
public class PipelineBackpressureTests
{
    [Theory]
    [InlineData("cpu", "io")]
    [InlineData("io", "loop")]
    [InlineData("loop", "cpu")]
    public async Task A_blocked_sink_holds_the_pipeline_at_exactly_the_bound_and_never_beyond(string first, string second)
    {
        await using var a = TestLanes.Create(first);
        await using var b = TestLanes.Create(second);
        const int n = 3000;
        long consumed = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = new CountingSource(n, consumed: () => Interlocked.Read(ref consumed));

        var run = Pipeline.From(source)
            .Then(a, x => x, new StageOptions { Name = "a", Concurrency = 2, Capacity = 3 })
            .Then(b, async (x, ct) => { await Task.Yield(); return x; }, new StageOptions { Name = "b", Concurrency = 3, Capacity = 4 })
            .Start(async (x, ct) =>
            {
                await release.Task.WaitAsync(ct);
                Interlocked.Increment(ref consumed);
            }, new StageOptions { Concurrency = 2, Capacity = 5 });
        const long bound = 1 + (3 + 2) + (4 + 3) + (5 + 2);

        // Saturated: the source holds one item it cannot write, every channel is full and every worker holds
        // an item. Nothing can move until the sink does, so the source cannot pull again. (Statistics alone could
        // look saturated for an instant while an item is handed on; with `bound` items pulled that cannot be.)
        await Signal.Until(() => source.Pulled >= bound && Saturated(run.Statistics()), what: "the pipeline to fill up");
        Assert.Equal(0, Interlocked.Read(ref consumed));
        Assert.Equal(bound, source.Pulled);
        Assert.Equal(bound, source.MaxAhead);

        release.SetResult();
        await run.Completion.Within();

        Assert.Equal(n, consumed);
        Assert.InRange(source.MaxAhead, 1, bound);
        Assert.All(run.Statistics(), s => Assert.Equal(n, s.Completed));
    }

    [Fact]
    public async Task With_default_capacities_the_bound_is_one_plus_three_times_the_concurrencies()
    {
        await using var io = Lane.Io();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = new CountingSource();
        using var cts = new CancellationTokenSource();

        var run = Pipeline.From(source)
            .Then(io, x => x, new StageOptions { Concurrency = 4 })
            .Start(async (x, ct) => await release.Task.WaitAsync(ct), cts.Token);

        const long bound = 1 + 3 * 4 + 3 * 1;
        await Signal.Until(() => source.Pulled >= bound && Saturated(run.Statistics()), what: "the pipeline to fill up");
        Assert.Equal(bound, source.Pulled);
        var stats = run.Statistics();
        Assert.Equal([8, 2], stats.Skip(1).Select(s => s.Capacity));

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.Completion.Within());
    }

    private static bool Saturated(IReadOnlyList<StageStatistics> stats) =>
        stats[0].InFlight == 1
        && stats.Skip(1).All(s => s.Queued == s.Capacity && s.InFlight == s.Concurrency);
}
