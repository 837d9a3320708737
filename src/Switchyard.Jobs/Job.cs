namespace Switchyard.Jobs;

/// <summary>
/// A snapshot of one job as the store holds it. Ids are assigned by the store, increase with enqueue
/// order (SQLite rowid with AUTOINCREMENT, PostgreSQL bigserial), never repeat, and are shown as decimal
/// text: they sort by creation and make keyset paging a plain comparison.
/// </summary>
public sealed record Job
{
    /// <summary>The job's id: unique, increasing with enqueue order.</summary>
    public required long Id { get; init; }
    /// <summary>The handler's name.</summary>
    public required string Kind { get; init; }
    /// <summary>The queue the job waits in.</summary>
    public required string Queue { get; init; }
    /// <summary>The payload, as JSON text.</summary>
    public required string Payload { get; init; }
    /// <summary>Higher runs first among due jobs of a queue.</summary>
    public required int Priority { get; init; }
    /// <summary>The job's state.</summary>
    public required JobState State { get; init; }
    /// <summary>How many attempts have started (1 while the first attempt runs).</summary>
    public required int Attempt { get; init; }
    /// <summary>How many attempts are allowed before the job is dead.</summary>
    public required int MaxAttempts { get; init; }
    /// <summary>When the job is (or was) due.</summary>
    public required DateTimeOffset RunAt { get; init; }
    /// <summary>The worker holding the lease, while running.</summary>
    public string? LeaseOwner { get; init; }
    /// <summary>When the lease lapses unless renewed, while running.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }
    /// <summary>The idempotency key given at enqueue, if any.</summary>
    public string? IdempotencyKey { get; init; }
    /// <summary>When the job was enqueued.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When its latest attempt started.</summary>
    public DateTimeOffset? StartedAt { get; init; }
    /// <summary>When it reached a final state.</summary>
    public DateTimeOffset? FinishedAt { get; init; }
    /// <summary>The handler's result, as JSON text, once succeeded.</summary>
    public string? Result { get; init; }
    /// <summary>The last error, if an attempt failed.</summary>
    public JobError? LastError { get; init; }
    /// <summary>Progress reported by the handler, 0 to 100.</summary>
    public double? ProgressPercent { get; init; }
    /// <summary>A progress message reported by the handler.</summary>
    public string? ProgressMessage { get; init; }
    /// <summary>Whether a cancel was asked while the job was running.</summary>
    public bool CancelRequested { get; init; }

    /// <summary>Whether the state is final (succeeded, dead or cancelled).</summary>
    public bool IsFinished => State is JobState.Succeeded or JobState.Dead or JobState.Cancelled;
}
