using System.Collections.Concurrent;
using Switchyard.Testing;

namespace Switchyard.Tests.Pipelines;

public class OrderedStageTests
{
    [Theory]
    [InlineData("io")]
    [InlineData("cpu")]
    [InlineData("loop")]
    public async Task An_ordered_stage_hands_items_on_in_input_order_even_when_they_finish_out_of_order(string kind)
    {
        await using var lane = TestLanes.Create(kind);
        const int n = 400;
        // In every block of four, the first item waits until the last has finished: they finish out of order.
        var finished = Enumerable.Range(0, n).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var finishOrderBroken = 0;
        var seen = new List<int>();

        var run = Pipeline.From(Enumerable.Range(0, n))
            .Then(lane, async (x, ct) =>
            {
                if (x % 4 == 0)
                {
                    await finished[x + 3].Task.WaitAsync(ct);
                    Interlocked.Increment(ref finishOrderBroken);
                }
                finished[x].SetResult();
                return x;
            }, new StageOptions { Name = "ordered", Concurrency = 4, Ordered = true })
            .Start((x, ct) => { seen.Add(x); return ValueTask.CompletedTask; });
        await run.Completion.Within();

        Assert.Equal(n / 4, finishOrderBroken);
        Assert.Equal(Enumerable.Range(0, n), seen);
        var stage = run.Statistics()[1];
        Assert.Equal((n, n, 0), (stage.Received, stage.Completed, stage.InFlight));
    }

    [Fact]
    public async Task An_ordered_stage_keeps_the_memory_bound()
    {
        await using var cpu = Lane.Cpu(new CpuLaneOptions { Workers = 2 });
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long consumed = 0;
        var source = new CountingSource(1000, consumed: () => Interlocked.Read(ref consumed));
        var order = new ConcurrentQueue<long>();

        var run = Pipeline.From(source)
            .Then(cpu, x => x, new StageOptions { Concurrency = 3, Capacity = 2, Ordered = true })
            .Start(async (x, ct) =>
            {
                await release.Task.WaitAsync(ct);
                order.Enqueue(x);
                Interlocked.Increment(ref consumed);
            });
        const long bound = 1 + (2 + 3) + (2 + 1);

        await Signal.Until(() => source.Pulled >= bound, what: "the pipeline to fill up");
        release.SetResult();
        await run.Completion.Within();

        Assert.InRange(source.MaxAhead, 1, bound);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), order);
    }

    [Fact]
    public void The_sink_cannot_be_ordered()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Pipeline.From([1]).Start((x, ct) => ValueTask.CompletedTask, new StageOptions { Ordered = true }));
        Assert.Contains("StageOptions.Ordered applies to steps only", error.Message, StringComparison.Ordinal);
    }
}
