using Switchyard.Processes.Tests.Support;
using Switchyard.Testing;

namespace Switchyard.Processes.Tests;

/// <summary>The Process lane behind the core's API: RunAsync, scopes and pipelines.</summary>
public sealed class LaneIntegrationTests
{
    [Fact]
    public async Task RunAsync_ships_static_work_that_takes_the_token()
    {
        await using var lane = TestLanes.Create(1);
        Func<CancellationToken, int> sync = Remote.TokenOnly;
        var pid = await lane.RunAsync(sync).Within();
        Assert.NotEqual(Environment.ProcessId, pid);
        Func<CancellationToken, ValueTask<string>> async = Remote.TokenOnlyAsync;
        Assert.StartsWith("async ", await lane.RunAsync(async).Within(), StringComparison.Ordinal);
        Func<CancellationToken, ValueTask> nothing = Remote.Nothing;
        await lane.RunAsync(nothing).Within();
        var stats = lane.Statistics();
        Assert.Equal(3, stats.Completed);
        Assert.Equal(0, stats.InFlight);
    }

    [Fact]
    public async Task A_scope_awaits_children_on_the_process_lane()
    {
        await using var lane = TestLanes.Create();
        Func<CancellationToken, int> work = Remote.TokenOnly;
        var (a, b) = await Scope.RunAsync(async scope =>
        {
            var first = scope.Start(lane, work);
            var second = scope.Start(lane, work);
            return (await first, await second);
        }).Within();
        Assert.NotEqual(Environment.ProcessId, a);
        Assert.NotEqual(Environment.ProcessId, b);
    }

    [Fact]
    public async Task A_pipeline_stage_runs_in_worker_processes()
    {
        await using var lane = TestLanes.Create();
        var results = new List<int>();
        await Pipeline.From(Enumerable.Range(0, 100))
            .Then(lane, Remote.Square, new StageOptions { Concurrency = 2, Ordered = true })
            .RunAsync((x, _) =>
            {
                results.Add(x);
                return ValueTask.CompletedTask;
            }).Within();
        Assert.Equal(Enumerable.Range(0, 100).Select(x => x * x), results);
        Assert.Equal(100, lane.PoolStatistics().ItemsDone);
    }

    [Fact]
    public async Task Starmap_on_another_lane_spreads_locally()
    {
        await using var cpu = Lane.Cpu(new CpuLaneOptions { Workers = 1 });
        var offset = 1; // a closure is fine where nothing travels
        Assert.Equal(new[] { 3, 5 }, await cpu.StarMapAsync([(1, 2), (2, 3)], (int a, int b) => a + b + offset - 1).Within());
    }
}
