using Npgsql;

namespace Switchyard.Jobs.Postgres;

/// <summary>The column list every job query selects, and the mapping from a row to a <see cref="Job"/>.</summary>
internal static class PostgresJobRows
{
    public const string Columns =
        "id, kind, queue, payload, priority, state, attempt, max_attempts, run_at, lease_owner, lease_expires_at, " +
        "idempotency_key, created_at, started_at, finished_at, result, error_type, error_message, error_stack, " +
        "progress_percent, progress_message, cancel_requested";

    /// <summary>How many columns <see cref="Columns"/> names: the ordinal of a column selected after them.</summary>
    public const int ColumnCount = 22;

    public static Job Read(NpgsqlDataReader r) => new()
    {
        Id = r.GetInt64(0),
        Kind = r.GetString(1),
        Queue = r.GetString(2),
        Payload = r.GetString(3),
        Priority = r.GetInt32(4),
        State = ParseState(r.GetString(5)),
        Attempt = r.GetInt32(6),
        MaxAttempts = r.GetInt32(7),
        RunAt = Time(r, 8)!.Value,
        LeaseOwner = r.IsDBNull(9) ? null : r.GetString(9),
        LeaseExpiresAt = Time(r, 10),
        IdempotencyKey = r.IsDBNull(11) ? null : r.GetString(11),
        CreatedAt = Time(r, 12)!.Value,
        StartedAt = Time(r, 13),
        FinishedAt = Time(r, 14),
        Result = r.IsDBNull(15) ? null : r.GetString(15),
        LastError = r.IsDBNull(16) ? null : new JobError(r.GetString(16), r.IsDBNull(17) ? "" : r.GetString(17), r.IsDBNull(18) ? null : r.GetString(18)),
        ProgressPercent = r.IsDBNull(19) ? null : r.GetDouble(19),
        ProgressMessage = r.IsDBNull(20) ? null : r.GetString(20),
        CancelRequested = r.GetBoolean(21),
    };

    public static async Task<List<Job>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var jobs = new List<Job>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            jobs.Add(Read(reader));
        return jobs;
    }

    private static DateTimeOffset? Time(NpgsqlDataReader r, int ordinal) =>
        r.IsDBNull(ordinal) ? null : r.GetFieldValue<DateTimeOffset>(ordinal);

    /// <summary>The stored name of a state: the enum's name in lower case, as the SQLite store and the CLI write it.</summary>
    public static string StateText(JobState state) => state.ToString().ToLowerInvariant();

    public static JobState ParseState(string text) => Enum.Parse<JobState>(text, ignoreCase: true);

    /// <summary>Npgsql writes only UTC offsets to timestamptz.</summary>
    public static DateTimeOffset Utc(DateTimeOffset time) => time.ToUniversalTime();
}
