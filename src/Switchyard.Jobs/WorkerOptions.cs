using Switchyard.Jobs.Scheduling;

namespace Switchyard.Jobs;

/// <summary>Options of <see cref="Worker"/>. Every default is stated on its property.</summary>
public sealed class WorkerOptions
{
    /// <summary>The queues to work, each with its own concurrency limit. Default: empty, meaning every queue, sharing one limit.</summary>
    public IReadOnlyList<string> Queues { get; init; } = [];

    /// <summary>How many jobs of one queue run at once (of all queues together when <see cref="Queues"/> is empty). Default: 16.</summary>
    public int Concurrency { get; init; } = 16;

    /// <summary>Per-queue limits that override <see cref="Concurrency"/>. Default: none.</summary>
    public IReadOnlyDictionary<string, int>? QueueConcurrency { get; init; }

    /// <summary>The most jobs leased in one round trip. Default: 100.</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>How long a lease lasts unless renewed; a dead worker's jobs come back after this. Default: 30 s.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often running jobs' leases are renewed and cancel requests are read. Default: a third of <see cref="LeaseDuration"/>.</summary>
    public TimeSpan? HeartbeatInterval { get; init; }

    /// <summary>How often this worker returns expired leases (of any worker) to the queue. Default: half of <see cref="LeaseDuration"/>.</summary>
    public TimeSpan? RescueInterval { get; init; }

    /// <summary>
    /// How often to look for due jobs when nothing wakes the worker (an enqueue in this process wakes it at once;
    /// jobs enqueued by other processes and delayed jobs are found by this poll). Default: 1 s.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a graceful stop waits for running jobs before cancelling them and releasing their leases. Default: 10 s.</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Recurring jobs this worker enqueues on their cron schedule (never twice for one time, however many workers run). Default: none.</summary>
    public IReadOnlyList<RecurringJob> Recurring { get; init; } = [];

    /// <summary>The worker's id, which owns its leases. Default: host name, process id and a random suffix.</summary>
    public string? Id { get; init; }

    /// <summary>The clock for leases, heartbeats, polls and backoff. Default: <see cref="System.TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The source of backoff jitter; seed it in tests. Default: <see cref="System.Random.Shared"/>.</summary>
    public Random Random { get; init; } = Random.Shared;

    /// <summary>Where the worker writes operational messages (store errors, lost leases). Default: none.</summary>
    public TextWriter? Log { get; init; }
}
