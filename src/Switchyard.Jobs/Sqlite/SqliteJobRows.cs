using Microsoft.Data.Sqlite;

namespace Switchyard.Jobs.Sqlite;

/// <summary>The column list every job query selects, and the mapping from a row to a <see cref="Job"/>.</summary>
internal static class SqliteJobRows
{
    public const string Columns =
        "id, kind, queue, payload, priority, state, attempt, max_attempts, run_at, lease_owner, lease_expires_at, " +
        "idempotency_key, created_at, started_at, finished_at, result, error_type, error_message, error_stack, " +
        "progress_percent, progress_message, cancel_requested";

    /// <summary>How many columns <see cref="Columns"/> names: the ordinal of a column selected after them.</summary>
    public const int ColumnCount = 22;

    /// <summary>
    /// What a lease reads back: the columns it did not just set. Reading every column costs about as much again
    /// as the lease itself, and progress and result are empty on a leased job.
    /// </summary>
    public const string LeasedColumns =
        "id, kind, queue, payload, priority, attempt, max_attempts, run_at, idempotency_key, created_at, error_type, error_message, error_stack";

    public static List<Job> ReadLeased(SqliteCommand command, string owner, long now, long expires)
    {
        var jobs = new List<Job>();
        using var r = command.ExecuteReader();
        var startedAt = FromMicros(now);
        var expiresAt = FromMicros(expires);
        while (r.Read())
        {
            jobs.Add(new Job
            {
                Id = r.GetInt64(0),
                Kind = r.GetString(1),
                Queue = r.GetString(2),
                Payload = r.GetString(3),
                Priority = r.GetInt32(4),
                State = JobState.Running,
                Attempt = r.GetInt32(5),
                MaxAttempts = r.GetInt32(6),
                RunAt = FromMicros(r.GetInt64(7)),
                LeaseOwner = owner,
                LeaseExpiresAt = expiresAt,
                IdempotencyKey = r.IsDBNull(8) ? null : r.GetString(8),
                CreatedAt = FromMicros(r.GetInt64(9)),
                StartedAt = startedAt,
                LastError = r.IsDBNull(10) ? null : new JobError(r.GetString(10), r.IsDBNull(11) ? "" : r.GetString(11), r.IsDBNull(12) ? null : r.GetString(12)),
            });
        }
        return jobs;
    }

    public static Job Read(SqliteDataReader r) => new()
    {
        Id = r.GetInt64(0),
        Kind = r.GetString(1),
        Queue = r.GetString(2),
        Payload = r.GetString(3),
        Priority = r.GetInt32(4),
        State = JobStates.Parse(r.GetString(5)),
        Attempt = r.GetInt32(6),
        MaxAttempts = r.GetInt32(7),
        RunAt = FromMicros(r.GetInt64(8)),
        LeaseOwner = r.IsDBNull(9) ? null : r.GetString(9),
        LeaseExpiresAt = r.IsDBNull(10) ? null : FromMicros(r.GetInt64(10)),
        IdempotencyKey = r.IsDBNull(11) ? null : r.GetString(11),
        CreatedAt = FromMicros(r.GetInt64(12)),
        StartedAt = r.IsDBNull(13) ? null : FromMicros(r.GetInt64(13)),
        FinishedAt = r.IsDBNull(14) ? null : FromMicros(r.GetInt64(14)),
        Result = r.IsDBNull(15) ? null : r.GetString(15),
        LastError = r.IsDBNull(16) ? null : new JobError(r.GetString(16), r.IsDBNull(17) ? "" : r.GetString(17), r.IsDBNull(18) ? null : r.GetString(18)),
        ProgressPercent = r.IsDBNull(19) ? null : r.GetDouble(19),
        ProgressMessage = r.IsDBNull(20) ? null : r.GetString(20),
        CancelRequested = r.GetInt64(21) != 0,
    };

    public static List<Job> ReadAll(SqliteCommand command)
    {
        var jobs = new List<Job>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
            jobs.Add(Read(reader));
        return jobs;
    }

    public static long Micros(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset FromMicros(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * 10);

    /// <summary>Sets parameter <paramref name="name"/>, adding it the first time (commands of the writer are reused).</summary>
    public static SqliteParameterCollection Add(this SqliteParameterCollection parameters, string name, object? value)
    {
        var index = parameters.IndexOf(name);
        if (index >= 0) parameters[index].Value = value ?? DBNull.Value;
        else parameters.AddWithValue(name, value ?? DBNull.Value);
        return parameters;
    }
}
