using Switchyard.Jobs;

namespace Switchyard.Samples.ReportExport;

/// <summary>What <c>GET /reports/{id}</c> shows.</summary>
internal sealed record ReportStatus(long Id, string Status, double Progress, string? Message, DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt, string? File, string? Error)
{
    public static ReportStatus Of(Job job) => new(
        job.Id,
        job.State switch
        {
            JobState.Available or JobState.Scheduled => "queued",
            JobState.Running => "running",
            JobState.Retrying => "retrying",
            JobState.Succeeded => "done",
            JobState.Dead => "failed",
            JobState.Cancelled => "cancelled",
            _ => job.State.ToString().ToLowerInvariant(),
        },
        job.State == JobState.Succeeded ? 100 : job.ProgressPercent ?? 0,
        job.ProgressMessage,
        job.CreatedAt,
        job.FinishedAt,
        job.State == JobState.Succeeded ? $"/reports/{job.Id}/file" : null,
        job.LastError?.Message);
}
