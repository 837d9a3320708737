using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Switchyard.Tests.Diagnostics;

public class MetricsTests
{
    [Fact]
    public async Task Lane_items_and_durations_are_published_by_lane_and_outcome()
    {
        var lane = $"metrics-{Guid.NewGuid():N}";
        var items = new ConcurrentBag<(string Outcome, long Value)>();
        var durations = new ConcurrentBag<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SwitchyardDiagnostics.Name) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == SwitchyardDiagnostics.LaneItems && Tag(tags, "switchyard.lane") == lane)
                items.Add((Tag(tags, "switchyard.outcome")!, value));
        });
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (instrument.Name == SwitchyardDiagnostics.LaneItemDuration && Tag(tags, "switchyard.lane") == lane)
                durations.Add(value);
        });
        listener.Start();

        await using (var io = Lane.Io(new IoLaneOptions { Name = lane }))
        {
            await io.RunAsync(_ => 1);
            await Assert.ThrowsAsync<FormatException>(() => io.RunAsync(new Func<CancellationToken, int>(_ => throw new FormatException())));
            using var cts = new CancellationTokenSource();
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => io.RunAsync(async ct => { await Task.Delay(Timeout.Infinite, ct); }, cts.Token));
        }

        Assert.Equal(["cancelled", "completed", "failed"], items.Select(i => i.Outcome).Order());
        Assert.All(items, i => Assert.Equal(1, i.Value));
        Assert.Equal(2, durations.Count); // the cancelled item never started (its token had fired), so it has no duration
        Assert.All(durations, d => Assert.True(d >= 0));
    }

    [Fact]
    public async Task A_map_run_is_one_activity_tagged_with_its_lane()
    {
        var lane = $"traced-{Guid.NewGuid():N}";
        var seen = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SwitchyardDiagnostics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = a => { if ((string?)a.GetTagItem("switchyard.lane") == lane) seen.Add(a); },
        };
        ActivitySource.AddActivityListener(listener);

        await using var cpu = Lane.Cpu(new CpuLaneOptions { Name = lane });
        await cpu.MapAsync(Enumerable.Range(0, 100), i => i);

        var activity = Assert.Single(seen);
        Assert.Equal("switchyard.map", activity.OperationName);
        Assert.Equal(ActivityStatusCode.Ok, activity.Status);
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key)
    {
        foreach (var tag in tags)
            if (tag.Key == key) return tag.Value as string;
        return null;
    }
}
