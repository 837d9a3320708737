using System.Diagnostics;
using System.Diagnostics.Metrics;
using Switchyard.Jobs.Store;

namespace Switchyard.Jobs.Workers;

/// <summary>
/// The queue's instruments, published under the same meter name as the core's (<see cref="SwitchyardDiagnostics.Name"/>),
/// tagged <c>switchyard.job.kind</c>, <c>switchyard.job.queue</c> and <c>switchyard.outcome</c>
/// (succeeded|retry|dead|cancelled|released):
/// <c>switchyard.jobs.attempts</c> (Counter, {attempt}): attempts that ended;
/// <c>switchyard.jobs.attempt.duration</c> (Histogram, s): from lease to the attempt's end.
/// </summary>
internal static class JobMetrics
{
    public const string Attempts = "switchyard.jobs.attempts";
    public const string AttemptDuration = "switchyard.jobs.attempt.duration";

    private static readonly Meter Meter = new(SwitchyardDiagnostics.Name, typeof(JobMetrics).Assembly.GetName().Version?.ToString());
    private static readonly Counter<long> AttemptCounter = Meter.CreateCounter<long>(Attempts, "{attempt}", "Job attempts that ended, by outcome.");
    private static readonly Histogram<double> DurationHistogram = Meter.CreateHistogram<double>(AttemptDuration, "s", "Time from a job's lease to the end of its attempt.");

    public static void Ended(Job job, CompletionKind kind, TimeSpan duration)
    {
        if (!AttemptCounter.Enabled && !DurationHistogram.Enabled) return;
        var tags = new TagList
        {
            { "switchyard.job.kind", job.Kind },
            { "switchyard.job.queue", job.Queue },
            { "switchyard.outcome", kind.ToString().ToLowerInvariant() },
        };
        AttemptCounter.Add(1, tags);
        DurationHistogram.Record(duration.TotalSeconds, tags);
    }
}
