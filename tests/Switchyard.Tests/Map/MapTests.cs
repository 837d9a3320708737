using Switchyard.Testing;

namespace Switchyard.Tests.Map;

public class MapTests
{
    public static TheoryData<string> Kinds => new() { "io", "cpu", "loop" };

    internal static Lane Create(string kind) => kind switch
    {
        "io" => Lane.Io(new IoLaneOptions { MaxConcurrency = 8 }),
        "cpu" => Lane.Cpu(new CpuLaneOptions { Workers = 2 }),
        _ => Lane.Loop(),
    };

    /// <summary>An async body whose items finish out of order: each yields a seeded random number of times.</summary>
    internal static Func<int, CancellationToken, ValueTask<int>> Shuffled()
    {
        var random = new Random(7);
        var hops = Enumerable.Range(0, 10_000).Select(_ => random.Next(0, 20)).ToArray();
        return async (i, _) =>
        {
            for (var k = 0; k < hops[i % hops.Length]; k++) await Task.Yield();
            return i * 10;
        };
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task Results_come_back_in_input_order(string kind)
    {
        await using var lane = Create(kind);
        var results = await lane.MapAsync(Enumerable.Range(0, 500), Shuffled()).Within();
        Assert.Equal(Enumerable.Range(0, 500).Select(i => i * 10), results);
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task Sync_bodies_and_async_inputs_map_too(string kind)
    {
        await using var lane = Create(kind);
        var fromSync = await lane.MapAsync(Enumerable.Range(0, 100), i => i + 1).Within();
        var fromAsync = await lane.MapAsync(AsyncRange(100), i => i + 1).Within();
        Assert.Equal(Enumerable.Range(1, 100), fromSync);
        Assert.Equal(fromSync, fromAsync);
    }

    [Fact]
    public async Task Chunks_send_many_items_as_one_unit_of_lane_work()
    {
        await using var lane = Lane.Cpu(new CpuLaneOptions { Workers = 2 });
        var results = await lane.MapAsync(Enumerable.Range(0, 10_000), i => (long)i * i,
            new MapOptions { ChunkSize = 1000 }).Within();
        Assert.Equal(Enumerable.Range(0, 10_000).Select(i => (long)i * i), results);
        Assert.Equal(10, lane.Statistics().Completed);
    }

    [Fact]
    public async Task An_endless_input_is_never_pulled_more_than_the_window_ahead()
    {
        await using var lane = Lane.Io(new IoLaneOptions { MaxConcurrency = 1000 });
        var source = new CountingSource(window: 100);
        var taken = 0;
        await foreach (var value in lane.Stream(source, Shuffled(), new MapOptions { Window = 100 }))
        {
            source.Consumed();
            Assert.Equal(taken * 10, value);
            if (++taken == 5_000) break;
        }
        Assert.Equal(100, source.WorstAhead);
        Assert.InRange(source.Pulled, 5_000, 5_100);
        Assert.Equal(0, lane.Statistics().InFlight);
    }

    [Fact]
    public async Task A_stalled_consumer_stops_the_input_at_the_window()
    {
        await using var lane = Lane.Io();
        var source = new CountingSource();
        await using var stream = lane.Stream(source, (i, _) => ValueTask.FromResult(i), new MapOptions { Window = 50, ChunkSize = 10 })
            .GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync()); // take one, then stall
        await Signal.Until(() => source.Pulled == 50 && lane.Statistics().Completed == 5);
        Assert.Equal(50, source.Pulled); // all done, waiting for the consumer: nothing more is read
    }

    [Fact]
    public async Task Failure_fails_fast_with_the_original_exception_and_cancels_the_siblings()
    {
        await using var lane = Lane.Io();
        var siblingsCancelled = 0;
        var siblingsStarted = 0;
        var windowFull = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var failure = await Assert.ThrowsAsync<InvalidDataException>(() => lane.MapAsync(Enumerable.Range(0, 100), async (i, ct) =>
        {
            if (i == 3) { await windowFull.Task; throw new InvalidDataException("row 3 is bad"); }
            if (Interlocked.Increment(ref siblingsStarted) == 19) windowFull.SetResult();
            try { await Task.Delay(Timeout.Infinite, ct); }
            catch (OperationCanceledException) { Interlocked.Increment(ref siblingsCancelled); throw; }
            return i;
        }, new MapOptions { Window = 20 })).Within();

        Assert.Equal("row 3 is bad", failure.Message);
        Assert.Equal(19, siblingsCancelled); // everyone else in the window was running and got cancelled
        Assert.Equal(0, lane.Statistics().InFlight); // and they had all ended before MapAsync returned
    }

    [Fact]
    public async Task Outcomes_carry_values_and_exceptions_and_go_on_past_failures()
    {
        await using var lane = Lane.Cpu();
        var outcomes = await lane.Stream(Enumerable.Range(0, 10), i => i % 3 == 0 ? throw new ArgumentException($"no {i}") : i)
            .Outcomes().ToArrayAsync().AsTask().Within();

        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), outcomes.Select(o => o.Index));
        Assert.Equal([0, 3, 6, 9], outcomes.Where(o => !o.Succeeded).Select(o => (int)o.Index));
        Assert.All(outcomes.Where(o => !o.Succeeded), o => Assert.Equal($"no {o.Index}", o.Exception!.Message));
        Assert.Equal(6, outcomes.Count(o => o.Succeeded && o.GetValueOrThrow() == o.Index));
        Assert.Throws<ArgumentException>(() => outcomes[3].GetValueOrThrow());
    }

    [Fact]
    public async Task Input_that_throws_ends_the_map_with_that_exception()
    {
        await using var lane = Lane.Io();
        await Assert.ThrowsAsync<IOException>(() => lane.MapAsync(Broken(), (i, _) => ValueTask.FromResult(i))).Within();
        Assert.Equal(0, lane.Statistics().InFlight);

        static IEnumerable<int> Broken()
        {
            yield return 1;
            yield return 2;
            throw new IOException("disk gone");
        }
    }

    [Fact]
    public void Bad_options_are_refused_at_the_call_naming_the_field()
    {
        var lane = Lane.Io();
        var window = Assert.Throws<ArgumentException>(() => lane.Stream(new[] { 1 }, i => i, new MapOptions { Window = 0 }));
        Assert.Contains("MapOptions.Window", window.Message);
        var chunk = Assert.Throws<ArgumentException>(() => { _ = lane.MapAsync(new[] { 1 }, i => i, new MapOptions { ChunkSize = -1 }); });
        Assert.Contains("MapOptions.ChunkSize", chunk.Message);
        var timeout = Assert.Throws<ArgumentException>(() => { _ = lane.MapAsync(new[] { 1 }, i => i, new MapOptions { ItemTimeout = TimeSpan.Zero }); });
        Assert.Contains("MapOptions.ItemTimeout", timeout.Message);
    }

    internal static async IAsyncEnumerable<int> AsyncRange(int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (i % 10 == 0) await Task.Yield();
            yield return i;
        }
    }
}
