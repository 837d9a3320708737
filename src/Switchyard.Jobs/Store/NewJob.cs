namespace Switchyard.Jobs.Store;

/// <summary>A job to insert, already validated by <see cref="JobClient"/> (stores trust it).</summary>
/// <param name="Kind">The handler's name.</param>
/// <param name="Queue">The queue.</param>
/// <param name="Payload">The payload, as JSON text.</param>
/// <param name="Priority">Higher runs first.</param>
/// <param name="RunAt">When it is due; null means now by the store's clock; a time after that makes it <see cref="JobState.Scheduled"/>.</param>
/// <param name="MaxAttempts">Attempts before it is dead.</param>
/// <param name="IdempotencyKey">A key that makes a repeated enqueue return the existing job; null for none.</param>
public sealed record NewJob(string Kind, string Queue, string Payload, int Priority, DateTimeOffset? RunAt, int MaxAttempts,
    string? IdempotencyKey = null);

/// <summary>The outcome of enqueueing one job.</summary>
/// <param name="Job">The stored job.</param>
/// <param name="Created">False when the idempotency key matched an existing job, which is returned instead.</param>
public sealed record EnqueueResult(Job Job, bool Created);
