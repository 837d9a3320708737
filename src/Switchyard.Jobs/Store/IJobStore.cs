namespace Switchyard.Jobs.Store;

/// <summary>
/// Where jobs live. Every store (SQLite now, PostgreSQL later) passes the same conformance suite;
/// dialect details stay inside each store. The store's clock decides "now" for run-at, leases and rescue.
/// </summary>
public interface IJobStore : IAsyncDisposable
{
    /// <summary>
    /// Raised after an enqueue or a retry made jobs available, with the queues concerned, so a worker in the
    /// same process wakes at once (a store that sees other processes' enqueues, such as PostgreSQL with
    /// LISTEN/NOTIFY, raises it for those too). Handlers must be quick and must not throw.
    /// </summary>
    event Action<IReadOnlyCollection<string>>? JobsAvailable;

    /// <summary>Inserts <paramref name="jobs"/> in one transaction: all of them or none. A job whose idempotency key exists already returns the existing job.</summary>
    Task<IReadOnlyList<EnqueueResult>> EnqueueAsync(IReadOnlyList<NewJob> jobs, CancellationToken cancellationToken = default);

    /// <summary>
    /// Leases up to <see cref="LeaseRequest.Limit"/> due jobs (priority descending, then run-at, then id) for one worker:
    /// they become running, their attempt grows by one, and no other worker can lease them while the lease holds.
    /// </summary>
    Task<IReadOnlyList<Job>> LeaseAsync(LeaseRequest request, CancellationToken cancellationToken = default);

    /// <summary>Extends the leases <paramref name="owner"/> holds on <paramref name="jobIds"/>; reports jobs lost and cancels asked.</summary>
    Task<RenewResult> RenewLeasesAsync(string owner, IReadOnlyList<long> jobIds, TimeSpan leaseDuration, CancellationToken cancellationToken = default);

    /// <summary>Records the end of many attempts in one transaction; returns how many applied (a lost lease's completion does not).</summary>
    Task<int> CompleteAsync(IReadOnlyList<JobCompletion> completions, CancellationToken cancellationToken = default);

    /// <summary>Records progress for a running job held by <paramref name="owner"/>.</summary>
    Task ReportProgressAsync(long jobId, string owner, double percent, string? message, CancellationToken cancellationToken = default);

    /// <summary>Cancels a queued job at once, or asks the worker running it to cancel.</summary>
    Task<CancelOutcome> CancelAsync(long jobId, CancellationToken cancellationToken = default);

    /// <summary>Makes a finished or retrying job available now; a spent attempt budget grows by one.</summary>
    Task<RetryOutcome> RetryAsync(long jobId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns running jobs whose lease expired to the queue (retrying, due now), or to dead when their attempts
    /// are spent, or to cancelled when a cancel was asked. Returns how many were rescued.
    /// </summary>
    Task<int> RescueExpiredAsync(CancellationToken cancellationToken = default);

    /// <summary>Gets one job, or null.</summary>
    Task<Job?> GetAsync(long jobId, CancellationToken cancellationToken = default);

    /// <summary>Lists jobs, newest first, with filters and keyset paging.</summary>
    Task<JobPage> QueryAsync(JobQuery query, CancellationToken cancellationToken = default);

    /// <summary>Counts jobs by queue and state (only non-zero counts).</summary>
    Task<IReadOnlyList<JobCount>> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes finished jobs (succeeded, dead, cancelled) that finished before <paramref name="finishedBefore"/>; returns how many.</summary>
    Task<int> PurgeAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken = default);
}
