namespace Switchyard.Jobs.Store;

/// <summary>How an attempt ended.</summary>
public enum CompletionKind
{
    /// <summary>The handler returned; the job succeeded.</summary>
    Succeeded,
    /// <summary>The handler failed; run again at <see cref="JobCompletion.RetryAt"/>.</summary>
    Retry,
    /// <summary>The handler failed for good (attempts spent, or a permanent error).</summary>
    Dead,
    /// <summary>The handler stopped because its cancel was asked.</summary>
    Cancelled,
    /// <summary>The worker shut down before the handler finished: the job is available again (cancelled, if a cancel was asked) and the attempt is not counted.</summary>
    Released,
}

/// <summary>The end of one attempt, reported by the worker that holds the lease.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Owner">The worker; a completion from a worker that lost the lease is ignored.</param>
/// <param name="Kind">How it ended.</param>
/// <param name="Result">The result as JSON text, for <see cref="CompletionKind.Succeeded"/>.</param>
/// <param name="Error">The error, for <see cref="CompletionKind.Retry"/> and <see cref="CompletionKind.Dead"/>.</param>
/// <param name="RetryAt">When to run again, for <see cref="CompletionKind.Retry"/>.</param>
public sealed record JobCompletion(long JobId, string Owner, CompletionKind Kind, string? Result = null, JobError? Error = null,
    DateTimeOffset? RetryAt = null);
