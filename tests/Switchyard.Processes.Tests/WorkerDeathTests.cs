using System.Diagnostics;
using Switchyard.Processes.Tests.Support;
using Switchyard.Testing;

namespace Switchyard.Processes.Tests;

public sealed class WorkerDeathTests
{
    [Fact]
    public async Task Kill_9_fails_only_the_item_the_worker_held_and_a_replacement_starts()
    {
        await using var lane = TestLanes.Create(1);
        var hanging = lane.SubmitAsync(Remote.Hang, 0);
        await Signal.Until(() => lane.PoolStatistics().WorkersBusy == 1, what: "the worker to take the item");
        var pid = lane.PoolStatistics().WorkerPids.Single();
        var waiting = Enumerable.Range(1, 5).Select(i => lane.SubmitAsync(Remote.Square, i)).ToArray();

        using (var victim = Process.GetProcessById(pid)) victim.Kill(); // SIGKILL on Unix

        var died = await Assert.ThrowsAsync<WorkerDiedException>(() => hanging.Within());
        Assert.Contains("SIGKILL", died.Message, StringComparison.Ordinal);
        Assert.Equal(137, died.ExitCode);
        Assert.Equal(pid, died.Pid);
        Assert.Equal(new[] { 1, 4, 9, 16, 25 }, await Task.WhenAll(waiting).Within());
        Assert.Equal(1, lane.PoolStatistics().Restarts);
        Assert.NotEqual(pid, lane.PoolStatistics().WorkerPids.Single());
    }

    [Fact]
    public async Task FailFast_fails_its_item_and_every_other_item_completes()
    {
        await using var lane = TestLanes.Create();
        var outcomes = await Outcomes(lane.Stream(Enumerable.Range(0, 40), Remote.FailFastOn, OneByOne));
        AssertOnlyItemFiveDied(outcomes, "SIGABRT");
        Assert.True(lane.PoolStatistics().Restarts >= 1);
    }

    [Fact]
    public async Task Stack_overflow_fails_its_item_and_every_other_item_completes()
    {
        await using var lane = TestLanes.Create();
        var outcomes = await Outcomes(lane.Stream(Enumerable.Range(0, 40), Remote.OverflowOn, OneByOne));
        AssertOnlyItemFiveDied(outcomes, "died");
    }

    [Fact]
    public async Task Out_of_memory_fails_its_item_and_every_other_item_completes()
    {
        await using var lane = ProcessLane.Create(new ProcessLaneOptions
        {
            Workers = 2,
            WorkerOutput = TextWriter.Null,
            Environment = new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x8000000" }, // 128 MiB
        });
        var outcomes = await Outcomes(lane.Stream(Enumerable.Range(0, 40), Remote.ExhaustMemoryOn, OneByOne));
        AssertOnlyItemFiveDied(outcomes, "SIGABRT");
    }

    [Fact]
    public async Task Items_of_a_dead_worker_are_retried_when_asked()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"syd-test-{Guid.NewGuid():N}");
        try
        {
            await using var lane = ProcessLane.Create(new ProcessLaneOptions { Workers = 1, WorkerOutput = TextWriter.Null, RetryItemsOfDeadWorker = 1 });
            Assert.Equal("second life", await lane.SubmitAsync(Remote.DieOnce, marker).Within());
            Assert.Equal(1, lane.PoolStatistics().Restarts);
        }
        finally
        {
            File.Delete(marker);
        }
    }

    [Fact]
    public async Task A_timeout_kills_the_worker_and_the_others_run_on()
    {
        await using var lane = ProcessLane.Create(new ProcessLaneOptions { Workers = 2, WorkerOutput = TextWriter.Null, ItemTimeout = TimeSpan.FromSeconds(3) });
        await Signal.Until(() => lane.PoolStatistics().WorkersAlive == 2, what: "two workers");
        var pidsBefore = lane.PoolStatistics().WorkerPids.ToList();
        var outcomes = await Outcomes(lane.Stream(Enumerable.Range(0, 30), Remote.HangOnZero, OneByOne));

        var failed = Assert.Single(outcomes, o => !o.Succeeded);
        Assert.Equal(0, failed.Index);
        var timeout = Assert.IsType<TimeoutException>(failed.Exception);
        Assert.Contains("ItemTimeout (00:00:03)", timeout.Message, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(1, 29), outcomes.Where(o => o.Succeeded).Select(o => o.Value).Order());
        await Signal.Until(() => lane.PoolStatistics().Restarts == 1 && lane.PoolStatistics().WorkersAlive == 2, what: "a replacement");
        Assert.Contains(pidsBefore, pid => TestLanes.Exited(pid));
    }

    [Fact]
    public async Task Cancelling_a_running_item_fires_its_token_in_the_worker()
    {
        await using var lane = TestLanes.Create(1);
        using var cts = new CancellationTokenSource();
        Func<int, CancellationToken, ValueTask<int>> wait = Remote.WaitForCancelAsync;
        var running = lane.SubmitAsync(wait, 0, cts.Token);
        await Signal.Until(() => lane.PoolStatistics().WorkersBusy == 1, what: "the item to start");
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running.Within());
        Assert.Equal(9, await lane.SubmitAsync(Remote.Square, 3).Within());
        Assert.Equal(0, lane.PoolStatistics().Restarts);
    }

    [Fact]
    public async Task A_worker_killed_in_the_middle_of_a_long_map_loses_and_hangs_nothing_else()
    {
        await using var lane = TestLanes.Create();
        await Signal.Until(() => lane.PoolStatistics().WorkersAlive == 2, what: "two workers");
        var victim = lane.PoolStatistics().WorkerPids[0];
        var outcomes = new List<Outcome<int>>();
        await foreach (var outcome in lane.Stream(Enumerable.Range(0, 2000), Remote.Spin, OneByOne).Outcomes())
        {
            outcomes.Add(outcome);
            if (outcomes.Count == 500)
            {
                using var process = Process.GetProcessById(victim);
                process.Kill();
            }
        }
        Assert.Equal(Enumerable.Range(0, 2000), outcomes.Select(o => (int)o.Index));
        var failed = outcomes.Where(o => !o.Succeeded).ToList();
        Assert.InRange(failed.Count, 0, 1); // at most the item the killed worker was running
        Assert.All(failed, o => Assert.IsType<WorkerDiedException>(o.Exception));
        await Signal.Until(() => lane.PoolStatistics().Restarts == 1, what: "one restart");
    }

    [Fact]
    public async Task A_failing_initializer_fails_items_with_its_error_instead_of_hanging()
    {
        await using var lane = ProcessLane.Create(new ProcessLaneOptions { Workers = 1, WorkerOutput = TextWriter.Null, Initializer = Remote.BrokenInitializer });
        var error = await Assert.ThrowsAsync<WorkerDiedException>(() => lane.SubmitAsync(Remote.Square, 2).Within());
        Assert.Contains("initializer failed", error.Message, StringComparison.Ordinal);
        Assert.Contains("no model file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_chunks_a_death_fails_only_the_chunk_that_was_running()
    {
        await using var lane = TestLanes.Create();
        var outcomes = await Outcomes(lane.Stream(Enumerable.Range(0, 40), Remote.FailFastOn, new MapOptions { ChunkSize = 4 }));
        Assert.Equal(40, outcomes.Count);
        Assert.Equal([4, 5, 6, 7], outcomes.Where(o => !o.Succeeded).Select(o => o.Index));
        Assert.All(outcomes.Where(o => !o.Succeeded), o => Assert.IsType<WorkerDiedException>(o.Exception));
    }

    private static readonly MapOptions OneByOne = new() { ChunkSize = 1 };

    private static async Task<List<Outcome<int>>> Outcomes(MapStream<int> stream)
    {
        var outcomes = new List<Outcome<int>>();
        await foreach (var outcome in stream.Outcomes().WithCancellation(CancellationToken.None))
            outcomes.Add(outcome);
        return outcomes;
    }

    private static void AssertOnlyItemFiveDied(List<Outcome<int>> outcomes, string how)
    {
        Assert.Equal(40, outcomes.Count);
        var failed = Assert.Single(outcomes, o => !o.Succeeded);
        Assert.Equal(5, failed.Index);
        var died = Assert.IsType<WorkerDiedException>(failed.Exception);
        Assert.Contains(how, died.Message, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(0, 40).Where(i => i != 5), outcomes.Where(o => o.Succeeded).Select(o => o.Value).Order());
    }
}
