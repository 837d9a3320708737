using Switchyard.Testing;

namespace Switchyard.Tests.Lanes;

public class LoopLaneTests
{
    [Fact]
    public async Task Ten_thousand_items_increment_a_plain_int_across_awaits_without_locks()
    {
        await using var lane = (LoopLane)Lane.Loop();
        var counter = 0;
        var offLoop = 0;
        var items = Enumerable.Range(0, 10_000).Select(_ => lane.RunAsync(async _ =>
        {
            await Task.Yield();
            var read = counter;        // read, await, write: safe only because nothing else runs meanwhile
            if (Environment.CurrentManagedThreadId != lane.ThreadId) Interlocked.Increment(ref offLoop);
            counter = read + 1;
            await Task.Delay(0);
            await Task.Yield();
            if (Environment.CurrentManagedThreadId != lane.ThreadId) Interlocked.Increment(ref offLoop);
        })).ToArray();

        await Task.WhenAll(items).Within();
        Assert.Equal(10_000, counter);
        Assert.Equal(0, offLoop);
    }

    [Fact]
    public async Task Every_continuation_comes_back_to_the_loop_thread()
    {
        await using var lane = (LoopLane)Lane.Loop();
        var threads = await lane.RunAsync(async _ =>
        {
            var seen = new HashSet<int> { Environment.CurrentManagedThreadId };
            await Task.Delay(1);
            seen.Add(Environment.CurrentManagedThreadId);
            await Task.Run(() => { }); // work elsewhere, then back
            seen.Add(Environment.CurrentManagedThreadId);
            return seen;
        }).Within();
        Assert.Equal([lane.ThreadId], threads);
        Assert.Equal(1, lane.Parallelism);
    }
}
