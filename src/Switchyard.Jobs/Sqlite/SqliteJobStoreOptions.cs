namespace Switchyard.Jobs.Sqlite;

/// <summary>Options of <see cref="SqliteJobStore"/>.</summary>
public sealed class SqliteJobStoreOptions
{
    /// <summary>The database file; created with its schema when missing. Default: <c>./switchyard.db</c>.</summary>
    public string Path { get; init; } = "switchyard.db";

    /// <summary>
    /// How hard a commit presses to disk. Default: <see cref="SqliteDurability.Full"/>: the queue promises that an
    /// acknowledged job is not lost, and with batched commits one fsync serves a whole batch of callers.
    /// </summary>
    public SqliteDurability Durability { get; init; } = SqliteDurability.Full;

    /// <summary>The most write requests (enqueues, leases, completions...) grouped into one transaction. Default: 1024.</summary>
    public int MaxWriteBatch { get; init; } = 1024;

    /// <summary>How long a write waits for another process's write lock before failing. Default: 30 s.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock for run-at, leases and rescue. Default: <see cref="System.TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
