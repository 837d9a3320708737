namespace Switchyard.Jobs.Sqlite;

/// <summary>How hard a commit presses data to disk (SQLite's <c>synchronous</c> setting, in WAL mode).</summary>
public enum SqliteDurability
{
    /// <summary>
    /// <c>synchronous=FULL</c>: every commit fsyncs the WAL, so an acknowledged job survives a process crash
    /// and a power loss. Batched commits make the fsync cost shared by a whole batch.
    /// </summary>
    Full,
    /// <summary>
    /// <c>synchronous=NORMAL</c>: commits reach the OS but are fsynced only at checkpoints; an acknowledged job
    /// survives a process crash, but the last commits may be lost on power loss or a kernel crash.
    /// </summary>
    Normal,
}
