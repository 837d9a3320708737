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

    /// <summary>
    /// Raised in this process after a commit of this store instance changed jobs (enqueue, lease, completion, cancel, retry,
    /// rescue, progress), so a change-feed reader can call <see cref="ReadChangesAsync"/> at once. Other processes' writes
    /// are seen by polling <see cref="ReadChangesAsync"/>. Handlers must be quick and must not throw.
    /// </summary>
    event Action? Changed;

    /// <summary>
    /// The change feed: the jobs whose latest change has a sequence greater than <paramref name="afterSequence"/>, ascending
    /// by sequence, each job once at its latest state, at most <paramref name="limit"/> (1 to 10,000). Every state-changing
    /// write stamps its jobs with a new sequence, larger than any a reader has been given, so passing the last sequence
    /// read resumes without skipping a change that commits later. Purged jobs are simply absent.
    /// </summary>
    Task<IReadOnlyList<JobChange>> ReadChangesAsync(long afterSequence, int limit, CancellationToken cancellationToken = default);

    /// <summary>The largest sequence <see cref="ReadChangesAsync"/> would return now (a reader that starts here sees only later changes); 0 when there is none.</summary>
    Task<long> LatestChangeAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that <paramref name="worker"/> is alive (insert or replace by <see cref="WorkerInfo.Id"/>); its
    /// <see cref="WorkerInfo.LastSeenAt"/> becomes the store's clock's now. Entries unseen for more than an hour are deleted.
    /// </summary>
    Task HeartbeatWorkerAsync(WorkerInfo worker, CancellationToken cancellationToken = default);

    /// <summary>The workers whose last heartbeat is at or after <paramref name="seenSince"/>, on every machine, ordered by id.</summary>
    Task<IReadOnlyList<WorkerInfo>> ListWorkersAsync(DateTimeOffset seenSince, CancellationToken cancellationToken = default);

    /// <summary>Removes a worker's entry (a worker calls it when it stops gracefully); nothing happens when there is none.</summary>
    Task RemoveWorkerAsync(string workerId, CancellationToken cancellationToken = default);

    /// <summary>
    /// How many jobs finished at or after <paramref name="since"/>, by outcome, in consecutive buckets of length
    /// <paramref name="bucket"/> starting at <paramref name="since"/>, ascending, up to the bucket holding the store's now:
    /// empty buckets included (at most 10,000 buckets). Counted from finished jobs as they are now, so a retried job no longer
    /// counts and a purged one never did.
    /// </summary>
    Task<IReadOnlyList<ThroughputBucket>> ThroughputAsync(DateTimeOffset since, TimeSpan bucket, CancellationToken cancellationToken = default);
}
