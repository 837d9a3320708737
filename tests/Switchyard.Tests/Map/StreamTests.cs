using Polly;
using Polly.Retry;
using Polly.Timeout;
using Switchyard.Testing;

namespace Switchyard.Tests.Map;

public class StreamTests
{
    [Fact]
    public async Task Input_order_holds_back_later_items_behind_a_slow_one()
    {
        await using var lane = Lane.Io();
        var slow = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = new List<int>();
        var reading = Task.Run(async () =>
        {
            await foreach (var v in lane.Stream(Enumerable.Range(0, 10), (i, _) => i == 0 ? new ValueTask<int>(slow.Task) : ValueTask.FromResult(i)))
                lock (seen) seen.Add(v);
        });
        await Signal.Until(() => lane.Statistics().Completed == 9);
        lock (seen) Assert.Empty(seen); // 1..9 are done but wait for 0
        slow.SetResult(0);
        await reading.Within();
        Assert.Equal(Enumerable.Range(0, 10), seen);
    }

    [Fact]
    public async Task Completion_order_yields_each_item_as_it_finishes()
    {
        await using var lane = Lane.Io();
        var slow = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = new List<int>();
        await foreach (var v in lane.Stream(Enumerable.Range(0, 10),
            (i, _) => i == 0 ? new ValueTask<int>(slow.Task) : ValueTask.FromResult(i),
            new MapOptions { Order = MapOrder.Completion }))
        {
            seen.Add(v);
            if (seen.Count == 9) slow.SetResult(0); // 0 can only finish after the other nine were yielded
        }
        Assert.Equal(0, seen[^1]);
        Assert.Equal(Enumerable.Range(0, 10), seen.Order());
    }

    [Fact]
    public async Task Cancelling_mid_stream_stops_the_input_and_cancels_items_in_flight()
    {
        await using var lane = Lane.Io();
        var source = new CountingSource();
        using var cts = new CancellationTokenSource();
        var cancelledInFlight = 0;
        var startedWaiting = 0;
        var taken = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var v in lane.Stream(source, async (i, ct) =>
            {
                if (i < 5) return i;
                Interlocked.Increment(ref startedWaiting);
                try { await Task.Delay(Timeout.Infinite, ct); }
                catch (OperationCanceledException) { Interlocked.Increment(ref cancelledInFlight); throw; }
                return i;
            }, new MapOptions { Window = 30 }, cts.Token))
            {
                source.Consumed();
                if (++taken < 5) continue;
                await Signal.Until(() => Volatile.Read(ref startedWaiting) >= 25); // the window is full and waiting
                cts.Cancel();
            }
        }).Within();

        var pulledAtCancel = source.Pulled;
        Assert.Equal(5, taken);
        Assert.InRange(pulledAtCancel, 30, 5 + 30); // never more than the window ahead of what was taken
        Assert.InRange(startedWaiting, 25, pulledAtCancel - 5);
        Assert.Equal(startedWaiting, cancelledInFlight); // every item in flight saw its token fire
        Assert.Equal(0, lane.Statistics().InFlight);
        Assert.Equal(pulledAtCancel, source.Pulled); // nothing is read after the end
    }

    [Fact]
    public async Task Breaking_out_of_the_loop_cancels_and_awaits_what_is_left()
    {
        await using var lane = Lane.Cpu();
        var started = 0;
        var tokensFired = 0;
        var source = new CountingSource();
        await foreach (var v in lane.Stream(source, async (i, ct) =>
        {
            if (i == 0) return i;
            Interlocked.Increment(ref started);
            try { await Task.Delay(Timeout.Infinite, ct); }
            catch (OperationCanceledException) { Interlocked.Increment(ref tokensFired); throw; }
            return i;
        }, new MapOptions { Window = 8 }))
        {
            break;
        }
        // Items 1..7 were pulled; those whose body had begun (how many did depends on the lane's threads) saw their
        // token fire and were awaited before the loop ended; the others never ran.
        Assert.InRange(source.Pulled, 1, 8);
        Assert.InRange(started, 0, 7);
        Assert.Equal(started, tokensFired);
        Assert.Equal(0, lane.Statistics().InFlight);
    }

    [Fact]
    public async Task Retries_back_off_on_the_injected_clock()
    {
        var clock = new ManualTimeProvider();
        await using var lane = Lane.Io();
        var attempts = 0;
        var retry = new RetryStrategyOptions
        {
            MaxRetryAttempts = 3, Delay = TimeSpan.FromSeconds(10), BackoffType = DelayBackoffType.Exponential, UseJitter = true,
            Randomizer = () => 0.5, // seeded: jitter is deterministic
        };
        var run = lane.MapAsync(new[] { 1 }, (i, _) =>
        {
            if (Interlocked.Increment(ref attempts) < 3) throw new TimeoutException("flaky");
            return ValueTask.FromResult(i * 42);
        }, new MapOptions { Retry = retry, TimeProvider = clock });

        // Each retry waits on the virtual clock: nothing happens until it moves, and the waits grow.
        var waits = new List<TimeSpan>();
        for (var expected = 1; expected < 3; expected++)
        {
            await Signal.Until(() => clock.ArmedTimers == 1 && Volatile.Read(ref attempts) == expected);
            Assert.False(run.IsCompleted);
            var waited = TimeSpan.Zero;
            while (Volatile.Read(ref attempts) == expected && waited < TimeSpan.FromMinutes(5))
            {
                clock.Advance(TimeSpan.FromSeconds(1));
                waited += TimeSpan.FromSeconds(1);
                await Signal.Until(() => Volatile.Read(ref attempts) > expected || clock.ArmedTimers == 1);
            }
            waits.Add(waited);
        }
        Assert.Equal(new[] { 42 }, await run.Within());
        Assert.Equal(3, attempts);
        Assert.All(waits, w => Assert.InRange(w, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1)));
        Assert.True(waits[1] > waits[0], $"exponential backoff: {waits[0]} then {waits[1]}");
    }

    [Fact]
    public async Task Item_timeout_cancels_the_attempt_on_the_injected_clock()
    {
        var clock = new ManualTimeProvider();
        await using var lane = Lane.Io();
        var tokenFired = false;
        var run = lane.Stream(new[] { 1, 2 }, async (i, ct) =>
        {
            if (i == 2) return i;
            try { await Task.Delay(Timeout.Infinite, ct); }
            catch (OperationCanceledException) { tokenFired = true; throw; }
            return i;
        }, new MapOptions { ItemTimeout = TimeSpan.FromSeconds(30), TimeProvider = clock }).Outcomes().ToArrayAsync().AsTask();

        await Signal.Until(() => clock.ArmedTimers >= 1 && lane.Statistics().Completed >= 1);
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(run.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));
        var outcomes = await run.Within();

        Assert.IsType<TimeoutRejectedException>(outcomes[0].Exception);
        Assert.True(tokenFired);
        Assert.Equal(2, outcomes[1].Value);
    }
}
