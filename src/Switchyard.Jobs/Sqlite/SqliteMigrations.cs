using Microsoft.Data.Sqlite;

namespace Switchyard.Jobs.Sqlite;

/// <summary>
/// Versioned schema: migration N brings <c>PRAGMA user_version</c> from N-1 to N. Each runs in its own
/// write transaction and re-reads the version inside it, so processes opening the file together migrate once.
/// Append new migrations; never edit a released one.
/// </summary>
internal static class SqliteMigrations
{
    public static readonly string[] Steps =
    [
        // 1: the jobs table. Times are Unix microseconds (UTC). AUTOINCREMENT: ids never repeat, even after a purge.
        """
        CREATE TABLE jobs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            queue TEXT NOT NULL,
            payload TEXT NOT NULL,
            priority INTEGER NOT NULL,
            state TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            max_attempts INTEGER NOT NULL,
            run_at INTEGER NOT NULL,
            lease_owner TEXT,
            lease_expires_at INTEGER,
            idempotency_key TEXT,
            created_at INTEGER NOT NULL,
            started_at INTEGER,
            finished_at INTEGER,
            result TEXT,
            error_type TEXT,
            error_message TEXT,
            error_stack TEXT,
            progress_percent REAL,
            progress_message TEXT,
            cancel_requested INTEGER NOT NULL DEFAULT 0
        );
        CREATE UNIQUE INDEX jobs_idempotency_key ON jobs (idempotency_key) WHERE idempotency_key IS NOT NULL;
        CREATE INDEX jobs_due ON jobs (queue, priority DESC, run_at, id) WHERE state IN ('scheduled', 'available', 'retrying');
        CREATE INDEX jobs_due_any_queue ON jobs (priority DESC, run_at, id) WHERE state IN ('scheduled', 'available', 'retrying');
        CREATE INDEX jobs_leases ON jobs (lease_expires_at) WHERE state = 'running';
        CREATE INDEX jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;
        CREATE INDEX jobs_state ON jobs (state, id);
        """,
        // 2: the change feed (every write stamps change_seq from the one-row counter, in its transaction; jobs that existed
        // before take their id, and the counter starts after the largest id ever given), the worker registry, and finished_at indexed with the state so throughput counts from the
        // index alone.
        """
        ALTER TABLE jobs ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
        UPDATE jobs SET change_seq = id;
        CREATE INDEX jobs_changes ON jobs (change_seq);
        CREATE TABLE job_changes (id INTEGER PRIMARY KEY CHECK (id = 1), last INTEGER NOT NULL);
        INSERT INTO job_changes (id, last) VALUES (1, coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'jobs'), 0));
        DROP INDEX jobs_finished;
        CREATE INDEX jobs_finished ON jobs (finished_at, state) WHERE finished_at IS NOT NULL;
        CREATE TABLE workers (
            id TEXT PRIMARY KEY,
            host TEXT NOT NULL,
            process_id INTEGER NOT NULL,
            queues TEXT NOT NULL,
            concurrency INTEGER NOT NULL,
            running INTEGER NOT NULL,
            started_at INTEGER NOT NULL,
            last_seen_at INTEGER NOT NULL
        );
        CREATE INDEX workers_last_seen ON workers (last_seen_at);
        """,
        // 3: the state index leaves out the states every job passes through (available, running, succeeded). It cost five
        // of a job's eighteen index writes (insert, then a delete and an insert at its lease and at its completion), 13% of
        // the drain's throughput. Lists of those states read the table newest first (they are most of it) or, for running
        // jobs, the lease index; SqliteJobStore.QueryAsync says which.
        """
        DROP INDEX jobs_state;
        CREATE INDEX jobs_state ON jobs (state, id) WHERE state IN ('scheduled', 'retrying', 'dead', 'cancelled');
        """,
        // 4: one due index, not two. Leases over several queues or all of them merge each queue's run of jobs_due
        // (SqliteLeaseCandidates) instead of reading a second index ordered across queues, which every job entered at its
        // enqueue and left at its lease: the pages that dirtied go to the WAL at every commit, 25-38% of the drain's throughput.
        """
        DROP INDEX jobs_due_any_queue;
        """,
    ];

    public static int Latest => Steps.Length;

    public static void Apply(SqliteConnection connection)
    {
        for (var version = 1; version <= Steps.Length; version++)
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            using var read = connection.CreateCommand();
            read.Transaction = transaction;
            read.CommandText = "PRAGMA user_version";
            var current = Convert.ToInt32(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            if (current > Steps.Length)
                throw new InvalidOperationException(
                    $"The database schema is version {current}, newer than this build knows ({Steps.Length}); upgrade Switchyard.");
            if (current >= version)
                continue;
            using var step = connection.CreateCommand();
            step.Transaction = transaction;
#pragma warning disable CA2100 // constant migration text
            step.CommandText = Steps[version - 1] + $"\nPRAGMA user_version = {version};";
#pragma warning restore CA2100
            step.ExecuteNonQuery();
            transaction.Commit();
        }
    }
}
