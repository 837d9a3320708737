using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Switchyard.Testing;

namespace Switchyard.Tests.Pipelines;

public class PipelineDiagnosticsTests
{
    [Fact]
    public async Task Each_stage_counts_its_items_by_outcome_and_each_run_is_one_activity()
    {
        // Names unique to this test: listeners are process-wide and other tests run at the same time.
        var stage = $"diag-{Guid.NewGuid():N}";
        var counts = new ConcurrentDictionary<(string Stage, string Outcome), long>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SwitchyardDiagnostics.Name && instrument.Name == SwitchyardDiagnostics.StageItems)
                listener.EnableMeasurementEvents(instrument);
        };
        meters.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? name = null, outcome = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "switchyard.stage") name = tag.Value as string;
                if (tag.Key == "switchyard.outcome") outcome = tag.Value as string;
            }
            if (name?.StartsWith(stage, StringComparison.Ordinal) == true)
                counts.AddOrUpdate((name, outcome!), value, (_, v) => v + value);
        });
        meters.Start();
        var runs = new ConcurrentQueue<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SwitchyardDiagnostics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.OperationName == "switchyard.pipeline"
                    && (activity.GetTagItem("switchyard.pipeline.stages") as string)?.Contains(stage, StringComparison.Ordinal) == true)
                    runs.Enqueue(activity);
            },
        };
        ActivitySource.AddActivityListener(activities);

        await using var cpu = Lane.Cpu(new CpuLaneOptions { Workers = 2 });
        var parents = new ConcurrentBag<string?>();
        var before = Activity.Current;
        var run = Pipeline.From(Enumerable.Range(0, 10))
            .Then(cpu, x => { parents.Add(Activity.Current?.OperationName); return x; }, new StageOptions { Name = stage })
            .Start((x, ct) => x == 7 ? throw new InvalidOperationException("seven") : ValueTask.CompletedTask,
                new StageOptions { Name = stage + "-sink" });
        Assert.Same(before, Activity.Current);
        await Assert.ThrowsAsync<PipelineStageException>(() => run.Completion.Within());

        Assert.Equal(run.Statistics()[1].Completed, counts.GetValueOrDefault((stage, "completed")));
        Assert.Equal(7, counts.GetValueOrDefault((stage + "-sink", "completed")));
        Assert.Equal(1, counts.GetValueOrDefault((stage + "-sink", "failed")));
        Assert.All(parents, p => Assert.Equal("switchyard.pipeline", p));
        var activity = Assert.Single(runs);
        Assert.Equal("failed", activity.GetTagItem("switchyard.outcome"));
        Assert.Equal(ActivityStatusCode.Error, activity.Status);
        Assert.Equal($"source,{stage},{stage}-sink", activity.GetTagItem("switchyard.pipeline.stages"));
    }
}
