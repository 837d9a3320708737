using Npgsql;

namespace Switchyard.Jobs.Postgres;

/// <summary>
/// Versioned schema: migration N is recorded as row N of <c>schema_version</c>. All pending steps run in one transaction
/// under a transaction-level advisory lock on the schema's name, so processes that start together migrate once and the
/// others wait, then find nothing to do. Append new migrations; never edit a released one.
/// </summary>
internal static class PostgresMigrations
{
    /// <summary>Each step's SQL; <c>{s}</c> stands for the quoted schema name.</summary>
    public static readonly string[] Steps =
    [
        // 1: the jobs table. Text states and payloads (the payload comes back byte for byte, which jsonb would not keep).
        """
        CREATE TABLE {s}.jobs (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            kind text NOT NULL,
            queue text NOT NULL,
            payload text NOT NULL,
            priority integer NOT NULL,
            state text NOT NULL,
            attempt integer NOT NULL,
            max_attempts integer NOT NULL,
            run_at timestamptz NOT NULL,
            lease_owner text,
            lease_expires_at timestamptz,
            idempotency_key text,
            created_at timestamptz NOT NULL,
            started_at timestamptz,
            finished_at timestamptz,
            result text,
            error_type text,
            error_message text,
            error_stack text,
            progress_percent double precision,
            progress_message text,
            cancel_requested boolean NOT NULL DEFAULT false
        );
        CREATE UNIQUE INDEX jobs_idempotency_key ON {s}.jobs (idempotency_key) WHERE idempotency_key IS NOT NULL;
        CREATE INDEX jobs_due ON {s}.jobs (queue, priority DESC, run_at, id) WHERE state IN ('scheduled', 'available', 'retrying');
        CREATE INDEX jobs_due_any_queue ON {s}.jobs (priority DESC, run_at, id) WHERE state IN ('scheduled', 'available', 'retrying');
        CREATE INDEX jobs_leases ON {s}.jobs (lease_expires_at) WHERE state = 'running';
        CREATE INDEX jobs_finished ON {s}.jobs (finished_at) WHERE finished_at IS NOT NULL;
        CREATE INDEX jobs_state ON {s}.jobs (state, id);
        """,
        // 2: the change feed, the worker registry, and finished_at indexed with the state (throughput counts from the index).
        // A change's sequence is its transaction's id (xid8) shifted left 20 bits plus a counter within the transaction, not
        // a nextval: nextval order is not commit order (a transaction holding a smaller value can commit after a larger one
        // was read, and a reader would pass over it), but a transaction id below the oldest one still running
        // (pg_snapshot_xmin) belongs to a finished transaction, and every later write gets a larger id. So a reader that
        // stops below that bound never skips a change that commits later. pg_current_xact_id() assigns the id before the
        // counter is taken. Jobs that existed before take their id as sequence (below every transaction id << 20).
        """
        ALTER TABLE {s}.jobs ADD COLUMN change_seq bigint NOT NULL DEFAULT 0;
        UPDATE {s}.jobs SET change_seq = id;
        ALTER TABLE {s}.jobs ALTER COLUMN change_seq DROP DEFAULT;
        CREATE INDEX jobs_changes ON {s}.jobs (change_seq);
        CREATE FUNCTION {s}.next_change() RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
        DECLARE
            n bigint := coalesce(nullif(current_setting('switchyard.change_n', true), ''), '0')::bigint;
        BEGIN
            IF n >= 1048576 THEN
                RAISE EXCEPTION 'one transaction may change at most 1048576 jobs';
            END IF;
            PERFORM set_config('switchyard.change_n', (n + 1)::text, true);
            RETURN (pg_current_xact_id()::text::bigint << 20) | n;
        END
        $$;
        DROP INDEX {s}.jobs_finished;
        CREATE INDEX jobs_finished ON {s}.jobs (finished_at, state) WHERE finished_at IS NOT NULL;
        CREATE TABLE {s}.workers (
            id text PRIMARY KEY,
            host text NOT NULL,
            process_id integer NOT NULL,
            queues text[] NOT NULL,
            concurrency integer NOT NULL,
            running integer NOT NULL,
            started_at timestamptz NOT NULL,
            last_seen_at timestamptz NOT NULL
        );
        CREATE INDEX workers_last_seen ON {s}.workers (last_seen_at);
        """,
    ];

    public static async Task ApplyAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken)
    {
        var s = Quote(schema);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand(
            // The lock comes first: even CREATE SCHEMA IF NOT EXISTS fails when two sessions run it at once.
            "SELECT pg_advisory_xact_lock(hashtext('switchyard.migrate'), hashtext(@schema));" +
            $"CREATE SCHEMA IF NOT EXISTS {s};" +
            $"CREATE TABLE IF NOT EXISTS {s}.schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());",
            connection, transaction))
        {
            command.Parameters.AddWithValue("schema", schema);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        int current;
        await using (var read = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {s}.schema_version", connection, transaction))
            current = (int)(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        if (current > Steps.Length)
        {
            throw new InvalidOperationException(
                $"The database schema {schema} is version {current}, newer than this build knows ({Steps.Length}); upgrade Switchyard.");
        }
        for (var version = current + 1; version <= Steps.Length; version++)
        {
#pragma warning disable CA2100 // constant migration text and a schema name checked to be an identifier
            await using var step = new NpgsqlCommand(
                Steps[version - 1].Replace("{s}", s, StringComparison.Ordinal) + $";INSERT INTO {s}.schema_version (version) VALUES ({version});",
                connection, transaction);
#pragma warning restore CA2100
            await step.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The schema name as a quoted identifier (already checked to hold only [a-z0-9_]).</summary>
    public static string Quote(string schema) => "\"" + schema + "\"";
}
