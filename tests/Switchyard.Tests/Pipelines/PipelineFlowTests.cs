using System.Collections.Concurrent;
using Switchyard.Testing;

namespace Switchyard.Tests.Pipelines;

public class PipelineFlowTests
{
    [Theory]
    [InlineData("io", "cpu", "loop")]
    [InlineData("cpu", "io", "io")]
    [InlineData("loop", "loop", "cpu")]
    [InlineData("cpu", "cpu", "cpu")]
    public async Task Items_flow_through_stages_on_any_lanes_and_every_count_is_right(string first, string second, string sinkLane)
    {
        await using var a = TestLanes.Create(first);
        await using var b = TestLanes.Create(second);
        await using var c = TestLanes.Create(sinkLane);
        const int n = 500;
        var results = new ConcurrentBag<string>();

        var run = Pipeline.From(Enumerable.Range(0, n))
            .Then(a, x => x * 2, new StageOptions { Name = "double", Concurrency = 3 })
            .Then(b, async (x, ct) => { await Task.Yield(); return $"#{x}"; }, new StageOptions { Name = "format", Concurrency = 2, Capacity = 5 })
            .Start(c, (s, ct) => { results.Add(s); return ValueTask.CompletedTask; }, new StageOptions { Concurrency = 2 });
        await run.Completion.Within();

        Assert.Equal(Enumerable.Range(0, n).Select(x => $"#{x * 2}").Order(), results.Order());
        var stats = run.Statistics();
        Assert.Equal(["source", "double", "format", "sink"], stats.Select(s => s.Stage));
        Assert.All(stats, s =>
        {
            Assert.Equal(n, s.Received);
            Assert.Equal(n, s.Completed);
            Assert.Equal(0, s.InFlight);
            Assert.Equal(0, s.Queued);
            Assert.Equal(0, s.Failed);
            Assert.Equal(0, s.Cancelled);
        });
        Assert.Equal((first, a.Kind, 3, 6), (stats[1].Lane, stats[1].LaneKind!.Value, stats[1].Concurrency, stats[1].Capacity));
        Assert.Equal((second, b.Kind, 2, 5), (stats[2].Lane, stats[2].LaneKind!.Value, stats[2].Concurrency, stats[2].Capacity));
        Assert.Equal((sinkLane, c.Kind, 2, 4), (stats[3].Lane, stats[3].LaneKind!.Value, stats[3].Concurrency, stats[3].Capacity));
        Assert.Equal((null, null, 1, 0), (stats[0].Lane, stats[0].LaneKind, stats[0].Concurrency, stats[0].Capacity));
        // Every body really ran on its lane.
        Assert.Equal(n, a.Statistics().Completed);
        Assert.Equal(n, b.Statistics().Completed);
        Assert.Equal(n, c.Statistics().Completed);
    }

    [Fact]
    public async Task A_loop_stage_runs_every_item_on_the_loop_thread()
    {
        await using var loop = Lane.Loop();
        var threads = new ConcurrentBag<int>();
        await Pipeline.From(Enumerable.Range(0, 100))
            .Then(loop, async (x, ct) => { threads.Add(Environment.CurrentManagedThreadId); await Task.Yield(); threads.Add(Environment.CurrentManagedThreadId); return x; },
                new StageOptions { Concurrency = 4 })
            .RunAsync((x, ct) => ValueTask.CompletedTask).Within();

        Assert.Equal([((LoopLane)loop).ThreadId], threads.Distinct());
        Assert.Equal(200, threads.Count);
    }

    [Fact]
    public async Task Stages_with_one_worker_keep_the_source_order()
    {
        await using var io = Lane.Io();
        await using var cpu = Lane.Cpu(new CpuLaneOptions { Workers = 2 });
        var seen = new List<int>();
        await Pipeline.From(Enumerable.Range(0, 1000))
            .Then(cpu, x => x + 1)
            .Then(io, async (x, ct) => { await Task.Yield(); return x * 10; })
            .RunAsync((x, ct) => { seen.Add(x); return ValueTask.CompletedTask; }).Within();

        Assert.Equal(Enumerable.Range(1, 1000).Select(x => x * 10), seen);
    }

    [Fact]
    public async Task An_async_source_is_read_with_the_run_token_and_a_definition_can_run_twice()
    {
        await using var io = Lane.Io();
        var tokenCancellable = false;
        async IAsyncEnumerable<int> Numbers([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
        {
            tokenCancellable = ct.CanBeCanceled;
            for (var i = 1; i <= 10; i++)
            {
                await Task.Yield();
                yield return i;
            }
        }
        var pipeline = Pipeline.From(Numbers()).Then(io, x => x * x);

        for (var round = 0; round < 2; round++)
        {
            long sum = 0;
            await pipeline.RunAsync((x, ct) => { sum += x; return ValueTask.CompletedTask; }).Within();
            Assert.Equal(385, sum);
        }
        Assert.True(tokenCancellable);
    }

    [Fact]
    public async Task An_empty_source_completes_every_stage()
    {
        await using var io = Lane.Io();
        var run = Pipeline.From(Array.Empty<int>()).Then(io, x => x).Start((x, ct) => ValueTask.CompletedTask);
        await run.Completion.Within();
        Assert.All(run.Statistics(), s => Assert.Equal(0, s.Received));
    }
}
