using System.Text.Json;
using Switchyard.Jobs;

namespace Switchyard.Server.Api;

/// <summary>A job as the API shows it everywhere (see api-contract.md): payload and result embedded as JSON, not as strings.</summary>
internal sealed record JobView(
    long Id, string Kind, string Queue, JobState State, int Priority, int Attempt, int MaxAttempts,
    JsonElement Payload, JsonElement? Result, JobError? Error, ProgressView? Progress,
    DateTimeOffset RunAt, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
    string? LeaseOwner, DateTimeOffset? LeaseExpiresAt, string? IdempotencyKey, bool CancelRequested)
{
    public static JobView From(Job job) => new(
        job.Id, job.Kind, job.Queue, job.State, job.Priority, job.Attempt, job.MaxAttempts,
        Parse(job.Payload) ?? default, Parse(job.Result), job.LastError,
        job.ProgressPercent is null && job.ProgressMessage is null ? null : new ProgressView(job.ProgressPercent, job.ProgressMessage),
        job.RunAt, job.CreatedAt, job.StartedAt, job.FinishedAt, job.LeaseOwner, job.LeaseExpiresAt, job.IdempotencyKey, job.CancelRequested);

    private static JsonElement? Parse(string? json)
    {
        if (json is null) return null;
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

/// <summary>A running job's last reported progress.</summary>
internal sealed record ProgressView(double? Percent, string? Message);
