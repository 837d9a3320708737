namespace Switchyard.Jobs.Postgres;

/// <summary>Options of <see cref="PostgresJobStore"/>.</summary>
public sealed class PostgresJobStoreOptions
{
    /// <summary>An Npgsql connection string or a <c>postgres://user:password@host:port/database</c> URL. Required; default: empty.</summary>
    public string ConnectionString { get; init; } = "";

    /// <summary>
    /// The schema that holds the queue's tables (created when missing); stores with different schemas in one database are
    /// separate queues. Lower-case letters, digits and underscores, starting with a letter. Default: <c>switchyard</c>.
    /// </summary>
    public string Schema { get; init; } = "switchyard";

    /// <summary>
    /// The shortest gap between two <see cref="Store.IJobStore.JobsAvailable"/> events raised for other processes' enqueues:
    /// the first notification wakes at once, the ones that follow within this gap are merged into one wake-up. Default: 1 ms.
    /// </summary>
    public TimeSpan NotifyDebounce { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// How long store calls that are safe to repeat (completion, renewal, rescue, reads) keep retrying while the server is
    /// unreachable, for example during a restart. Default: 60 s.
    /// </summary>
    public TimeSpan RetryFor { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Where the store reports listener reconnects and retried calls; null for nowhere. Default: null.</summary>
    public TextWriter? Log { get; init; }

    /// <summary>The clock for run-at, leases and rescue. Default: <see cref="System.TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
