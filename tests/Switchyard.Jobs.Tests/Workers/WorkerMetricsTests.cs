using System.Diagnostics.Metrics;

namespace Switchyard.Jobs.Tests.Workers;

public sealed class WorkerMetricsTests
{
    private sealed record Empty;

    [Fact]
    public async Task Attempts_are_counted_by_kind_queue_and_outcome()
    {
        var seen = new List<(string Kind, string Queue, string Outcome)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SwitchyardDiagnostics.Name && instrument.Name == "switchyard.jobs.attempts") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var t = tags.ToArray().ToDictionary(x => x.Key, x => (string)x.Value!);
            if (t["switchyard.job.kind"].StartsWith("metrics-", StringComparison.Ordinal))
                lock (seen) seen.Add((t["switchyard.job.kind"], t["switchyard.job.queue"], t["switchyard.outcome"]));
        });
        listener.Start();
        await using var f = new WorkerFixture();
        await f.StartWorkerAsync(new JobHandlers()
            .Add<Empty>("metrics-ok", (_, _, _) => ValueTask.FromResult<object?>(1))
            .Add<Empty>("metrics-bad", (_, _, _) => throw new PermanentJobException("no")));

        var ok = (await f.Client.EnqueueAsync("metrics-ok", "{}", new JobOptions { Queue = "m" })).Job;
        var bad = (await f.Client.EnqueueAsync("metrics-bad", "{}", new JobOptions { Queue = "m" })).Job;
        await f.WaitForAsync(ok.Id, JobState.Succeeded);
        await f.WaitForAsync(bad.Id, JobState.Dead);

        lock (seen)
            Assert.Equal([("metrics-bad", "m", "dead"), ("metrics-ok", "m", "succeeded")], seen.Order());
    }
}
