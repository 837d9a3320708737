namespace Switchyard.Jobs.Store;

/// <summary>The rules of the worker registry that every store applies the same way.</summary>
internal static class WorkerRegistry
{
    /// <summary>A heartbeat deletes entries unseen for longer than this: workers that died without removing themselves.</summary>
    public static readonly TimeSpan PruneAfter = TimeSpan.FromHours(1);

    public static void Validate(WorkerInfo worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        if (string.IsNullOrWhiteSpace(worker.Id)) throw new ArgumentException("WorkerInfo.Id must not be empty.", nameof(worker));
        if (worker.Host is null) throw new ArgumentException("WorkerInfo.Host must not be null.", nameof(worker));
        if (worker.Queues is null || worker.Queues.Any(q => q is null))
            throw new ArgumentException("WorkerInfo.Queues must be a list of queue names (empty for every queue), without nulls.", nameof(worker));
        if (worker.Concurrency < 1) throw new ArgumentException($"WorkerInfo.Concurrency must be at least 1 (got {worker.Concurrency}).", nameof(worker));
        if (worker.Running < 0) throw new ArgumentException($"WorkerInfo.Running must not be negative (got {worker.Running}).", nameof(worker));
    }
}
