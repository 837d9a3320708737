using Switchyard.Processes.Tests.Support;
using Switchyard.Testing;

namespace Switchyard.Processes.Tests;

public sealed class ResultsTests
{
    [Fact]
    public async Task Submit_returns_the_result_computed_in_another_process()
    {
        await using var lane = TestLanes.Create(1);
        Assert.Equal(49, await lane.SubmitAsync(Remote.Square, 7).Within());
        Assert.Equal(64, await lane.SubmitAsync(Remote.SquareLaterAsync, 8).Within());
        var pid = await lane.SubmitAsync(Remote.Pid, 0).Within();
        Assert.NotEqual(Environment.ProcessId, pid);
        Assert.Equal(LaneKind.Process, lane.Kind);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1000)]
    public async Task Map_keeps_input_order_at_any_chunk_size(int chunkSize)
    {
        await using var lane = TestLanes.Create();
        var input = Enumerable.Range(0, 2000).ToArray();
        var results = await lane.MapAsync(input, Remote.Square, new MapOptions { ChunkSize = chunkSize }).Within();
        Assert.Equal(input.Select(x => x * x), results);
        Assert.Equal(2000, lane.PoolStatistics().ItemsDone);
    }

    [Fact]
    public async Task Streams_yield_in_input_order_or_as_completed()
    {
        await using var lane = TestLanes.Create();
        var ordered = new List<int>();
        await foreach (var value in lane.Stream(Enumerable.Range(0, 300), Remote.Square, new MapOptions { ChunkSize = 4 }))
            ordered.Add(value);
        Assert.Equal(Enumerable.Range(0, 300).Select(x => x * x), ordered);

        var unordered = new List<int>();
        await foreach (var value in lane.Stream(Enumerable.Range(0, 300), Remote.Square, new MapOptions { ChunkSize = 4, Order = MapOrder.Completion }))
            unordered.Add(value);
        Assert.Equal(Enumerable.Range(0, 300).Select(x => x * x), unordered.Order());
    }

    [Fact]
    public async Task A_capture_free_lambda_and_records_travel()
    {
        await using var lane = TestLanes.Create(1);
        Assert.Equal(43, await lane.SubmitAsync((int x) => x + 1, 42).Within());
        Assert.Equal(new Point(2, 6), await lane.SubmitAsync(Remote.Move, new Point(1, 3)).Within());
    }

    [Fact]
    public async Task Starmap_spreads_tuples_over_the_parameters()
    {
        await using var lane = TestLanes.Create();
        var sums = await lane.StarMapAsync(Enumerable.Range(0, 50).Select(i => (i, 100 * i)), Remote.Add).Within();
        Assert.Equal(Enumerable.Range(0, 50).Select(i => 101 * i), sums);
        var joined = await lane.StarMapAsync([("a", 1, true), ("b", 2, false)], Remote.Join).Within();
        Assert.Equal(["a-1-True", "b-2-False"], joined);
    }

    [Fact]
    public async Task A_worker_that_prints_does_not_corrupt_the_protocol()
    {
        await using var lane = TestLanes.Create();
        var results = await lane.MapAsync(Enumerable.Range(0, 200), Remote.Chatty).Within();
        Assert.Equal(Enumerable.Range(1, 200), results);
    }

    [Fact]
    public async Task The_initializer_runs_once_in_every_worker_before_its_items()
    {
        await using var lane = ProcessLane.Create(new ProcessLaneOptions { Workers = 2, WorkerOutput = TextWriter.Null, Initializer = Remote.LoadModel });
        var results = await lane.MapAsync(Enumerable.Range(0, 20), Remote.UseModel).Within();
        Assert.All(results, r => Assert.StartsWith("model loaded in ", r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_default_chunk_size_is_Pythons_when_the_length_is_known()
    {
        await using var lane = TestLanes.Create(2);
        // 100 items over 2 workers: chunks of 100 / (4 × 2) = 13 → 8 chunks, each one lane item.
        var results = await lane.MapAsync(Enumerable.Range(0, 100), Remote.Square).Within();
        Assert.Equal(Enumerable.Range(0, 100).Select(x => x * x), results);
        Assert.Equal(8, lane.Statistics().Completed);

        // Unknown length (a lazy sequence): chunks of 1.
        await lane.MapAsync(Enumerable.Range(0, 10).Where(_ => true), Remote.Square).Within();
        Assert.Equal(18, lane.Statistics().Completed);

        // Explicit sizes win.
        await lane.MapAsync(Enumerable.Range(0, 10), Remote.Square, new MapOptions { ChunkSize = 5 }).Within();
        Assert.Equal(20, lane.Statistics().Completed);
    }
}
