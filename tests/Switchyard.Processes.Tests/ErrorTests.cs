using Switchyard.Processes.Tests.Support;
using Switchyard.Testing;

namespace Switchyard.Processes.Tests;

public sealed class ErrorTests
{
    [Fact]
    public async Task A_thrown_exception_comes_back_with_type_message_and_remote_stack()
    {
        await using var lane = TestLanes.Create(1);
        var error = await Assert.ThrowsAsync<RemoteWorkException>(() => lane.SubmitAsync(Remote.Throw, 3).Within());
        Assert.Equal("System.InvalidOperationException", error.RemoteType);
        Assert.Equal("item 3 refused", error.RemoteMessage);
        Assert.Contains("Remote.Throw", error.RemoteStackTrace, StringComparison.Ordinal);
        Assert.Contains("System.InvalidOperationException: item 3 refused", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(4, await lane.SubmitAsync(Remote.Throw, 4).Within()); // the worker lives on
    }

    [Fact]
    public async Task Outcomes_carry_the_failures_of_a_map_beside_its_values()
    {
        await using var lane = TestLanes.Create();
        var outcomes = new List<Outcome<int>>();
        await foreach (var outcome in lane.Stream(Enumerable.Range(0, 10), Remote.Throw).Outcomes())
            outcomes.Add(outcome);
        Assert.Equal(10, outcomes.Count);
        Assert.IsType<RemoteWorkException>(Assert.Single(outcomes, o => !o.Succeeded).Exception);
        Assert.Equal(3, Assert.Single(outcomes, o => !o.Succeeded).Index);
    }

    [Fact]
    public async Task A_closure_is_refused_at_the_call_with_the_reason()
    {
        await using var lane = TestLanes.Create(1);
        var offset = 10;
        var error = Refused(() => lane.SubmitAsync((int x) => x + offset, 1));
        Assert.Contains("closure", error.Message, StringComparison.Ordinal);
        Assert.Contains("static method", error.Message, StringComparison.Ordinal);

        var mapError = await Assert.ThrowsAsync<ArgumentException>(() => lane.MapAsync([1, 2], (int x) => x + offset).Within());
        Assert.Contains("closure", mapError.Message, StringComparison.Ordinal);

        Refused(() => lane.RunAsync(ct => ValueTask.FromResult(offset), CancellationToken.None));
        var instance = new Holder(3);
        Assert.Contains("instance method", Refused(() => lane.SubmitAsync(instance.Times, 2)).Message, StringComparison.Ordinal);
        Assert.Equal(0, lane.Statistics().InFlight);
    }

    [Fact]
    public async Task Bad_options_are_refused_naming_the_field()
    {
        Assert.Contains("ProcessLaneOptions.Workers", Assert.Throws<ArgumentException>(() => ProcessLane.Create(new ProcessLaneOptions { Workers = 0 })).Message, StringComparison.Ordinal);
        Assert.Contains("ProcessLaneOptions.ItemTimeout", Assert.Throws<ArgumentException>(() => ProcessLane.Create(new ProcessLaneOptions { ItemTimeout = TimeSpan.Zero })).Message, StringComparison.Ordinal);
        Assert.Contains("ProcessLaneOptions.WorkerHostPath", Assert.Throws<ArgumentException>(() => ProcessLane.Create(new ProcessLaneOptions { WorkerHostPath = "/nope/switchyard-worker.dll" })).Message, StringComparison.Ordinal);
        var captured = "x";
        Assert.Contains("ProcessLaneOptions.Initializer", Assert.Throws<ArgumentException>(() => ProcessLane.Create(new ProcessLaneOptions { Initializer = () => captured.ToString() })).Message, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    private static ArgumentException Refused(Func<Task> call) => Assert.IsType<ArgumentException>(Record.Exception(() => { _ = call(); }));

    private sealed class Holder(int factor)
    {
        public int Times(int x) => x * factor;
    }
}
