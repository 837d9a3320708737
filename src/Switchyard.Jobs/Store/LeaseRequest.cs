namespace Switchyard.Jobs.Store;

/// <summary>What a worker asks for when it leases a batch.</summary>
/// <param name="Owner">The worker's id; renewals and completions must name it.</param>
/// <param name="Queues">The queues to lease from; empty means every queue.</param>
/// <param name="Limit">The most jobs to lease.</param>
/// <param name="LeaseDuration">How long the lease lasts unless renewed.</param>
public sealed record LeaseRequest(string Owner, IReadOnlyList<string> Queues, int Limit, TimeSpan LeaseDuration);

/// <summary>What a lease renewal found.</summary>
/// <param name="Lost">Jobs the worker no longer holds (rescued, or finished elsewhere): stop running them.</param>
/// <param name="CancelRequested">Held jobs whose cancel was asked: fire their handlers' tokens.</param>
public sealed record RenewResult(IReadOnlyList<long> Lost, IReadOnlyList<long> CancelRequested);

/// <summary>What <see cref="IJobStore.CancelAsync"/> did.</summary>
public enum CancelOutcome
{
    /// <summary>No such job.</summary>
    NotFound,
    /// <summary>The job was queued and is now cancelled.</summary>
    Cancelled,
    /// <summary>The job is running; its worker fires the handler's token at its next heartbeat.</summary>
    Requested,
    /// <summary>The job had already finished; nothing changed.</summary>
    AlreadyFinished,
}

/// <summary>What <see cref="IJobStore.RetryAsync"/> did.</summary>
public enum RetryOutcome
{
    /// <summary>No such job.</summary>
    NotFound,
    /// <summary>The job is available again (its attempt budget grows by one if it was spent).</summary>
    Retried,
    /// <summary>The job is running, so it cannot be retried now.</summary>
    Running,
}
