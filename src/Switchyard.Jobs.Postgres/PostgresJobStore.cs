using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;
using Polly;
using Polly.Retry;
using Switchyard.Jobs.Store;
using static Switchyard.Jobs.Postgres.PostgresJobRows;

namespace Switchyard.Jobs.Postgres;

/// <summary>
/// The job store on PostgreSQL, for many workers on many machines sharing one database. Workers lease batches with
/// <c>FOR UPDATE SKIP LOCKED</c> (leasers never wait on each other's rows), learn of other processes' enqueues through
/// <c>LISTEN/NOTIFY</c> (polling remains the fallback), and complete in batches. <see cref="EnqueueAsync(NpgsqlTransaction, IReadOnlyList{NewJob}, CancellationToken)"/>
/// enqueues inside the caller's transaction. Calls that are safe to repeat retry while the server is unreachable.
/// The change feed numbers a change by its transaction's id and its place in the transaction, so one transaction may change
/// at most 1,048,576 jobs, and the feed shows a change once every older transaction on the server has ended.
/// </summary>
public sealed partial class PostgresJobStore : IJobStore
{
    private const string QueuedStates = "('scheduled', 'available', 'retrying')";
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresJobStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly string _jobs;
    private readonly string _nextChange;
    private readonly string _workers;
    private readonly string _channel;
    private readonly ResiliencePipeline _retry;
    private readonly Lock _listenerLock = new();
    private Action<IReadOnlyCollection<string>>? _jobsAvailable;
    private PostgresListener? _listener;
    private bool _disposed;

    private PostgresJobStore(NpgsqlDataSource dataSource, PostgresJobStoreOptions options)
    {
        _dataSource = dataSource;
        _options = options;
        _time = options.TimeProvider;
        Schema = options.Schema;
        _jobs = PostgresMigrations.Quote(options.Schema) + ".jobs";
        _nextChange = PostgresMigrations.Quote(options.Schema) + ".next_change()";
        _workers = PostgresMigrations.Quote(options.Schema) + ".workers";
        _channel = "switchyard_" + options.Schema;
        // Retries wait on real time whatever the store's clock: they are about a server coming back, not about jobs.
        _retry = new ResiliencePipelineBuilder()
            .AddTimeout(options.RetryFor)
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(100),
                MaxDelay = TimeSpan.FromSeconds(2),
                OnRetry = args =>
                {
                    options.Log?.WriteLine($"postgres store: retrying after {args.Outcome.Exception?.Message}");
                    return default;
                },
            })
            .Build();
    }

    /// <inheritdoc />
    /// <remarks>The first handler added starts a LISTEN connection, so that other processes' enqueues raise it too.</remarks>
    public event Action<IReadOnlyCollection<string>>? JobsAvailable
    {
        add
        {
            lock (_listenerLock)
            {
                _jobsAvailable += value;
                if (_listener is null && !_disposed)
                    _listener = new PostgresListener(_dataSource, _channel, _options.NotifyDebounce, _options.Log, Raise);
            }
        }
        remove
        {
            lock (_listenerLock) _jobsAvailable -= value;
        }
    }

    /// <summary>The schema that holds the queue's tables.</summary>
    public string Schema { get; }

    /// <summary>Where the store lives, without the password (for logs and messages).</summary>
    public string Description
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(_dataSource.ConnectionString);
            return $"postgres {builder.Host}:{builder.Port}/{builder.Database} schema {Schema}";
        }
    }

    /// <summary>Opens the store, creating and migrating its schema when needed (safe when many processes open it at once).</summary>
    /// <exception cref="ArgumentException">An option breaks its rule; the message names it.</exception>
    public static async Task<PostgresJobStore> OpenAsync(PostgresJobStoreOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
            throw new ArgumentException("PostgresJobStoreOptions.ConnectionString must name a database.", nameof(options));
        if (!SchemaName().IsMatch(options.Schema))
        {
            throw new ArgumentException(
                $"PostgresJobStoreOptions.Schema must be lower-case letters, digits and underscores, starting with a letter, at most 40 characters (got '{options.Schema}').",
                nameof(options));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(options.NotifyDebounce, TimeSpan.Zero, "PostgresJobStoreOptions.NotifyDebounce");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.RetryFor, TimeSpan.Zero, "PostgresJobStoreOptions.RetryFor");
        ArgumentNullException.ThrowIfNull(options.TimeProvider, "PostgresJobStoreOptions.TimeProvider");
        var connection = new NpgsqlConnectionStringBuilder(PostgresConnectionString.ToNpgsql(options.ConnectionString));
        // The store runs the same few statements all day: let Npgsql prepare them (parse and plan once per connection),
        // unless the connection string chose otherwise.
        if (connection.MaxAutoPrepare == 0) connection.MaxAutoPrepare = 32;
        // The store leaves no session state behind (its settings are transaction-local, its LISTEN has a connection of its
        // own), so a pooled connection needs no reset: the reset is seven statements on the server at every reuse.
        connection.NoResetOnClose = true;
        var dataSource = NpgsqlDataSource.Create(connection.ConnectionString);
        try
        {
            await PostgresMigrations.ApplyAsync(dataSource, options.Schema, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new PostgresJobStore(dataSource, options);
    }

    private DateTimeOffset Now => Utc(_time.GetUtcNow());

    private void Raise(IReadOnlyCollection<string> queues) => _jobsAvailable?.Invoke(queues);

    private void RaiseChanged() => Changed?.Invoke();

    /// <summary>Awaits a write, then raises <see cref="Changed"/> when <paramref name="changed"/> says it changed jobs.</summary>
    private async Task<T> Changing<T>(Task<T> write, Func<T, bool> changed)
    {
        var result = await write.ConfigureAwait(false);
        if (changed(result)) RaiseChanged();
        return result;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<EnqueueResult>> EnqueueAsync(IReadOnlyList<NewJob> jobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        if (jobs.Count == 0) return [];
        // Not retried: an insert whose commit was lost in a broken connection would be made twice.
        // One statement, committed by itself: the insert of every job and the NOTIFY are atomic without a transaction block.
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var results = await InsertAsync(connection, null, jobs, cancellationToken).ConfigureAwait(false);
        var queues = results.Where(r => r.Created).Select(r => r.Job.Queue).ToHashSet(StringComparer.Ordinal);
        if (queues.Count > 0) Raise(queues);
        if (results.Any(r => r.Created)) RaiseChanged();
        return results;
    }

    /// <summary>
    /// Enqueues <paramref name="jobs"/> inside the caller's transaction: they exist, and workers hear of them, only if
    /// <paramref name="transaction"/> commits. The jobs are stored as given (build them with the same rules as
    /// <see cref="JobClient"/>); a job whose idempotency key exists already returns the existing job.
    /// </summary>
    public Task<IReadOnlyList<EnqueueResult>> EnqueueAsync(NpgsqlTransaction transaction, IReadOnlyList<NewJob> jobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(jobs);
        if (transaction.Connection is null) throw new ArgumentException("The transaction has already ended.", nameof(transaction));
        return jobs.Count == 0 ? Task.FromResult<IReadOnlyList<EnqueueResult>>([]) : InsertAsync(transaction.Connection, transaction, jobs, cancellationToken);
    }

    private async Task<IReadOnlyList<EnqueueResult>> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<NewJob> jobs,
        CancellationToken cancellationToken)
    {
        var now = Now;
        // One statement for the whole batch; ORDER BY ord makes ids follow the input order. The NOTIFY of each queue
        // that got due jobs rides in the same statement: it is delivered only when the insert commits.
#pragma warning disable CA2100 // table and channel names are built from a checked identifier; values are parameters
        await using var insert = new NpgsqlCommand(
            $"WITH inserted AS (INSERT INTO {_jobs} (kind, queue, payload, priority, state, attempt, max_attempts, run_at, idempotency_key, created_at, change_seq) " +
            $"SELECT kind, queue, payload, priority, CASE WHEN run_at > @now THEN 'scheduled' ELSE 'available' END, 0, max_attempts, run_at, key, @now, {_nextChange} " +
            "FROM unnest(@kinds, @queues, @payloads, @priorities, @run_ats, @maxes, @keys) WITH ORDINALITY " +
            "AS t(kind, queue, payload, priority, run_at, max_attempts, key, ord) ORDER BY ord " +
            "ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING id, idempotency_key, queue, state), " +
            "notified AS (SELECT count(pg_notify(@channel, q)) FROM (SELECT DISTINCT queue AS q FROM inserted WHERE state = 'available') AS due) " +
            "SELECT id, idempotency_key FROM inserted, notified",
            connection, transaction);
#pragma warning restore CA2100
        insert.Parameters.AddWithValue("channel", _channel);
        insert.Parameters.AddWithValue("now", now);
        insert.Parameters.AddWithValue("kinds", jobs.Select(j => j.Kind).ToArray());
        insert.Parameters.AddWithValue("queues", jobs.Select(j => j.Queue).ToArray());
        insert.Parameters.AddWithValue("payloads", jobs.Select(j => j.Payload).ToArray());
        insert.Parameters.AddWithValue("priorities", jobs.Select(j => j.Priority).ToArray());
        insert.Parameters.AddWithValue("run_ats", jobs.Select(j => j.RunAt is { } at ? Utc(at) : now).ToArray());
        insert.Parameters.AddWithValue("maxes", jobs.Select(j => j.MaxAttempts).ToArray());
        insert.Parameters.Add(new NpgsqlParameter("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = jobs.Select(j => (object?)j.IdempotencyKey ?? DBNull.Value).ToArray() });
        var inserted = new List<(long Id, string? Key)>();
        await using (var reader = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                inserted.Add((reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }
        inserted.Sort((a, b) => a.Id.CompareTo(b.Id));

        // Walk the input in order: ids were handed out in that order to every row not stopped by an existing key.
        var newKeys = inserted.Where(i => i.Key is not null).Select(i => i.Key!).ToHashSet(StringComparer.Ordinal);
        var results = new EnqueueResult?[jobs.Count];
        var next = 0;
        var existing = new List<int>();
        for (var i = 0; i < jobs.Count; i++)
        {
            var job = jobs[i];
            if (job.IdempotencyKey is { } key && !newKeys.Remove(key))
            {
                existing.Add(i);
                continue;
            }
            var runAt = job.RunAt is { } at ? Utc(at) : now;
            results[i] = new EnqueueResult(new Job
            {
                Id = inserted[next++].Id, Kind = job.Kind, Queue = job.Queue, Payload = job.Payload, Priority = job.Priority,
                State = runAt > now ? JobState.Scheduled : JobState.Available, Attempt = 0, MaxAttempts = job.MaxAttempts, RunAt = runAt,
                IdempotencyKey = job.IdempotencyKey, CreatedAt = now,
            }, Created: true);
        }
        if (existing.Count > 0)
        {
            // The rows that held the keys (committed before, or by another transaction this insert waited for).
#pragma warning disable CA2100
            await using var find = new NpgsqlCommand($"SELECT {Columns} FROM {_jobs} WHERE idempotency_key = ANY(@keys)", connection, transaction);
#pragma warning restore CA2100
            find.Parameters.AddWithValue("keys", existing.Select(i => jobs[i].IdempotencyKey!).Distinct().ToArray());
            var byKey = (await ReadAllAsync(find, cancellationToken).ConfigureAwait(false)).ToDictionary(j => j.IdempotencyKey!, StringComparer.Ordinal);
            foreach (var i in existing)
            {
                results[i] = byKey.TryGetValue(jobs[i].IdempotencyKey!, out var found) ? new EnqueueResult(found, Created: false)
                    : results.First(r => r is not null && r.Job.IdempotencyKey == jobs[i].IdempotencyKey); // repeated within this batch
            }
        }
        return results!;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Job>> LeaseAsync(LeaseRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.Limit, 1, "LeaseRequest.Limit");
        var queueFilter = request.Queues.Count == 0 ? "" : "AND queue = ANY(@queues)";
        // Not retried: a lease whose reply was lost is rescued when it lapses, which a retry would only delay.
        // The CTE locks the chosen rows once (FOR UPDATE SKIP LOCKED: rows another leaser holds are passed over, never waited on).
        // The due time is compared through a subquery so the planner cannot estimate it from the run_at histogram: after a
        // burst of jobs became due, statistics still say none are, and it plans a scan and sort of the whole table (30 ms
        // a lease at 50,000 jobs) instead of reading the due index in order and stopping at the limit (0.1 ms).
#pragma warning disable CA2100
        await using var command = _dataSource.CreateCommand(
            $"WITH next AS (SELECT id FROM {_jobs} WHERE state IN {QueuedStates} AND run_at <= (SELECT @now) {queueFilter} " +
            "ORDER BY priority DESC, run_at, id LIMIT @limit FOR UPDATE SKIP LOCKED) " +
            $"UPDATE {_jobs} AS j SET state = 'running', attempt = attempt + 1, lease_owner = @owner, lease_expires_at = @expires, " +
            $"started_at = @now, progress_percent = NULL, progress_message = NULL, change_seq = {_nextChange} FROM next WHERE j.id = next.id " +
            $"RETURNING {string.Join(", ", Columns.Split(", ").Select(c => "j." + c))}");
#pragma warning restore CA2100
        var now = Now;
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("expires", now + request.LeaseDuration);
        command.Parameters.AddWithValue("owner", request.Owner);
        command.Parameters.AddWithValue("limit", request.Limit);
        if (request.Queues.Count > 0) command.Parameters.AddWithValue("queues", request.Queues.ToArray());
        var jobs = await ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
        // RETURNING gives no order; callers get the lease order.
        jobs.Sort(static (a, b) => a.Priority != b.Priority ? b.Priority.CompareTo(a.Priority)
            : a.RunAt != b.RunAt ? a.RunAt.CompareTo(b.RunAt) : a.Id.CompareTo(b.Id));
        if (jobs.Count > 0) RaiseChanged();
        return jobs;
    }

    /// <inheritdoc />
    public Task<RenewResult> RenewLeasesAsync(string owner, IReadOnlyList<long> jobIds, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobIds);
        if (jobIds.Count == 0) return Task.FromResult(new RenewResult([], []));
        return RetryAsync(async ct =>
        {
#pragma warning disable CA2100
            await using var command = _dataSource.CreateCommand(
                $"UPDATE {_jobs} SET lease_expires_at = @expires WHERE id = ANY(@ids) AND lease_owner = @owner AND state = 'running' " +
                "RETURNING id, cancel_requested");
#pragma warning restore CA2100
            command.Parameters.AddWithValue("expires", Now + leaseDuration);
            command.Parameters.AddWithValue("ids", jobIds.ToArray());
            command.Parameters.AddWithValue("owner", owner);
            var held = new HashSet<long>();
            var cancel = new List<long>();
            await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    held.Add(reader.GetInt64(0));
                    if (reader.GetBoolean(1)) cancel.Add(reader.GetInt64(0));
                }
            }
            cancel.Sort();
            return new RenewResult(jobIds.Where(id => !held.Contains(id)).ToList(), cancel);
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Retried while the server is unreachable: a completion applies only to a running job its owner holds, so applying it twice changes nothing.</remarks>
    public Task<int> CompleteAsync(IReadOnlyList<JobCompletion> completions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(completions);
        if (completions.Count == 0) return Task.FromResult(0);
        return Changing(RetryAsync(async ct =>
        {
            var now = Now;
            await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            // Successes, the bulk of any batch, go in one statement; the rest in one batch of statements. A batch of
            // successes alone is one statement, atomic by itself: no transaction, one round trip fewer.
            var succeeded = completions.Where(c => c.Kind == CompletionKind.Succeeded).ToList();
            var others = completions.Where(c => c.Kind != CompletionKind.Succeeded).ToList();
            await using var transaction = others.Count == 0 ? null : await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            var applied = 0;
            if (succeeded.Count > 0)
            {
#pragma warning disable CA2100
                await using var command = new NpgsqlCommand(
                    $"UPDATE {_jobs} AS j SET state = 'succeeded', finished_at = @now, result = c.result, progress_percent = 100, " +
                    $"lease_owner = NULL, lease_expires_at = NULL, change_seq = {_nextChange} FROM unnest(@ids, @owners, @results) AS c(id, owner, result) " +
                    "WHERE j.id = c.id AND j.lease_owner = c.owner AND j.state = 'running'", connection, transaction);
#pragma warning restore CA2100
                command.Parameters.AddWithValue("now", now);
                command.Parameters.AddWithValue("ids", succeeded.Select(c => c.JobId).ToArray());
                command.Parameters.AddWithValue("owners", succeeded.Select(c => c.Owner).ToArray());
                command.Parameters.Add(new NpgsqlParameter("results", NpgsqlDbType.Array | NpgsqlDbType.Text)
                {
                    Value = succeeded.Select(c => (object?)c.Result ?? DBNull.Value).ToArray(),
                });
                applied += await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            if (others.Count > 0)
            {
                await using var batch = new NpgsqlBatch(connection, transaction);
                foreach (var c in others) batch.BatchCommands.Add(CompletionCommand(c, now));
                await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                foreach (var b in batch.BatchCommands) applied += b.RecordsAffected;
            }
            if (transaction is not null) await transaction.CommitAsync(ct).ConfigureAwait(false);
            return applied;
        }, cancellationToken), applied => applied > 0);
    }

    private NpgsqlBatchCommand CompletionCommand(JobCompletion c, DateTimeOffset now)
    {
        var set = c.Kind switch
        {
            CompletionKind.Retry => "state = 'retrying', run_at = $3, error_type = $4, error_message = $5, error_stack = $6",
            CompletionKind.Dead => "state = 'dead', finished_at = $3, error_type = $4, error_message = $5, error_stack = $6",
            CompletionKind.Cancelled => "state = 'cancelled', finished_at = $3",
            // A cancel asked while the job was cut short by shutdown still wins.
            CompletionKind.Released => "state = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'available' END, " +
                "finished_at = CASE WHEN cancel_requested THEN $3 END, run_at = $3, attempt = attempt - 1",
            _ => throw new ArgumentOutOfRangeException(nameof(c), c.Kind, "Unknown completion kind."),
        };
#pragma warning disable CA2100
        var command = new NpgsqlBatchCommand(
            $"UPDATE {_jobs} SET {set}, lease_owner = NULL, lease_expires_at = NULL, change_seq = {_nextChange} WHERE id = $1 AND lease_owner = $2 AND state = 'running'");
#pragma warning restore CA2100
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = c.JobId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = c.Owner });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = c.Kind == CompletionKind.Retry ? Utc(c.RetryAt ?? now) : now });
        if (c.Kind is CompletionKind.Retry or CompletionKind.Dead)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = c.Error?.Type ?? "Error" });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = c.Error?.Message ?? "" });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)c.Error?.StackTrace ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        }
        return command;
    }

    /// <inheritdoc />
    public Task ReportProgressAsync(long jobId, string owner, double percent, string? message, CancellationToken cancellationToken = default) =>
        Changing(RetryAsync(async ct =>
        {
#pragma warning disable CA2100
            await using var command = _dataSource.CreateCommand(
                $"UPDATE {_jobs} SET progress_percent = @percent, progress_message = @message, change_seq = {_nextChange} " +
                "WHERE id = @id AND lease_owner = @owner AND state = 'running'");
#pragma warning restore CA2100
            command.Parameters.AddWithValue("percent", Math.Clamp(percent, 0, 100));
            command.Parameters.Add(new NpgsqlParameter("message", NpgsqlDbType.Text) { Value = (object?)message ?? DBNull.Value });
            command.Parameters.AddWithValue("id", jobId);
            command.Parameters.AddWithValue("owner", owner);
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken), updated => updated > 0);

    /// <inheritdoc />
    public Task<CancelOutcome> CancelAsync(long jobId, CancellationToken cancellationToken = default) =>
        Changing(RetryAsync(async ct =>
        {
            // One statement: the row lock of the UPDATE orders it against leases and completions.
#pragma warning disable CA2100
            await using var command = _dataSource.CreateCommand(
                $"WITH before AS (SELECT state FROM {_jobs} WHERE id = @id FOR UPDATE), " +
                $"changed AS (UPDATE {_jobs} SET " +
                "state = CASE WHEN state = 'running' THEN state ELSE 'cancelled' END, " +
                "finished_at = CASE WHEN state = 'running' THEN finished_at ELSE @now END, " +
                $"cancel_requested = cancel_requested OR state = 'running', change_seq = {_nextChange} " +
                $"WHERE id = @id AND state NOT IN ('succeeded', 'dead', 'cancelled') RETURNING 1) " +
                "SELECT (SELECT state FROM before)");
#pragma warning restore CA2100
            command.Parameters.AddWithValue("id", jobId);
            command.Parameters.AddWithValue("now", Now);
            return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) switch
            {
                string state => ParseState(state) switch
                {
                    JobState.Running => CancelOutcome.Requested,
                    JobState.Succeeded or JobState.Dead or JobState.Cancelled => CancelOutcome.AlreadyFinished,
                    _ => CancelOutcome.Cancelled,
                },
                _ => CancelOutcome.NotFound,
            };
        }, cancellationToken), outcome => outcome is CancelOutcome.Cancelled or CancelOutcome.Requested);

    /// <inheritdoc />
    public async Task<RetryOutcome> RetryAsync(long jobId, CancellationToken cancellationToken = default)
    {
        var (outcome, queue) = await RetryAsync(async ct =>
        {
#pragma warning disable CA2100
            await using var command = _dataSource.CreateCommand(
                $"WITH before AS (SELECT state, queue FROM {_jobs} WHERE id = @id FOR UPDATE), " +
                $"changed AS (UPDATE {_jobs} SET state = 'available', run_at = @now, finished_at = NULL, cancel_requested = false, " +
                $"max_attempts = greatest(max_attempts, attempt + 1), change_seq = {_nextChange} WHERE id = @id AND state <> 'running' RETURNING queue), " +
                "notified AS (SELECT pg_notify(@channel, queue) FROM changed) " +
                "SELECT state, queue, (SELECT count(*) FROM notified) FROM before");
#pragma warning restore CA2100
            command.Parameters.AddWithValue("id", jobId);
            command.Parameters.AddWithValue("now", Now);
            command.Parameters.AddWithValue("channel", _channel);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            if (!await reader.ReadAsync(ct).ConfigureAwait(false)) return (RetryOutcome.NotFound, (string?)null);
            return reader.GetString(0) == "running" ? (RetryOutcome.Running, null) : (RetryOutcome.Retried, reader.GetString(1));
        }, cancellationToken).ConfigureAwait(false);
        if (queue is not null)
        {
            Raise([queue]);
            RaiseChanged();
        }
        return outcome;
    }

    /// <inheritdoc />
    public Task<int> RescueExpiredAsync(CancellationToken cancellationToken = default) =>
        Changing(RetryAsync(async ct =>
        {
#pragma warning disable CA2100
            await using var command = _dataSource.CreateCommand(
                $"UPDATE {_jobs} SET " +
                "state = CASE WHEN cancel_requested THEN 'cancelled' WHEN attempt >= max_attempts THEN 'dead' ELSE 'retrying' END, " +
                "finished_at = CASE WHEN cancel_requested OR attempt >= max_attempts THEN @now END, " +
                "run_at = @now, lease_owner = NULL, lease_expires_at = NULL, error_type = 'LeaseExpired', " +
                "error_message = 'The worker running this job stopped renewing its lease (it crashed or lost the database).', " +
                $"error_stack = NULL, change_seq = {_nextChange} WHERE state = 'running' AND lease_expires_at < @now");
#pragma warning restore CA2100
            command.Parameters.AddWithValue("now", Now);
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken), rescued => rescued > 0);

    /// <inheritdoc />
    public Task<Job?> GetAsync(long jobId, CancellationToken cancellationToken = default) =>
        RetryAsync(async ct =>
        {
#pragma warning disable CA2100
            await using var command = _dataSource.CreateCommand($"SELECT {Columns} FROM {_jobs} WHERE id = @id");
#pragma warning restore CA2100
            command.Parameters.AddWithValue("id", jobId);
            return (await ReadAllAsync(command, ct).ConfigureAwait(false)).FirstOrDefault();
        }, cancellationToken);

    /// <inheritdoc />
    public Task<JobPage> QueryAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, "JobQuery.Limit");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, 1000, "JobQuery.Limit");
        return RetryAsync(async ct =>
        {
            await using var command = _dataSource.CreateCommand();
            var where = new StringBuilder("WHERE true");
            if (query.States is { Count: > 0 } states)
            {
                where.Append(" AND state = ANY(@states)");
                command.Parameters.AddWithValue("states", states.Select(StateText).ToArray());
            }
            if (query.Queue is not null) { where.Append(" AND queue = @queue"); command.Parameters.AddWithValue("queue", query.Queue); }
            if (query.Kind is not null) { where.Append(" AND kind = @kind"); command.Parameters.AddWithValue("kind", query.Kind); }
            if (!string.IsNullOrEmpty(query.Search))
            {
                // strpos on lower() rather than LIKE: no wildcard escaping needed.
                where.Append(" AND (strpos(lower(payload), lower(@search)) > 0 OR strpos(lower(coalesce(error_message, '')), lower(@search)) > 0)");
                command.Parameters.AddWithValue("search", query.Search);
            }
            if (query.Before is { } before) { where.Append(" AND id < @before"); command.Parameters.AddWithValue("before", before); }
#pragma warning disable CA2100 // the text is built from constants; values are parameters
            command.CommandText = $"SELECT {Columns} FROM {_jobs} {where} ORDER BY id DESC LIMIT @limit";
#pragma warning restore CA2100
            command.Parameters.AddWithValue("limit", query.Limit + 1);
            return JobPage.FromOverfetch(await ReadAllAsync(command, ct).ConfigureAwait(false), query.Limit);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<JobCount>> CountAsync(CancellationToken cancellationToken = default) =>
        RetryAsync<IReadOnlyList<JobCount>>(async ct =>
        {
#pragma warning disable CA2100
            await using var command = _dataSource.CreateCommand(
                $"SELECT queue, state, count(*) FROM {_jobs} GROUP BY queue, state ORDER BY queue, state");
#pragma warning restore CA2100
            var counts = new List<JobCount>();
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
                counts.Add(new JobCount(reader.GetString(0), ParseState(reader.GetString(1)), reader.GetInt64(2)));
            return counts;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<int> PurgeAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken = default) =>
        RetryAsync(async ct =>
        {
#pragma warning disable CA2100
            await using var command = _dataSource.CreateCommand(
                $"DELETE FROM {_jobs} WHERE state IN ('succeeded', 'dead', 'cancelled') AND finished_at < @before");
#pragma warning restore CA2100
            command.Parameters.AddWithValue("before", Utc(finishedBefore));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>Not raised for <see cref="EnqueueAsync(NpgsqlTransaction, IReadOnlyList{NewJob}, CancellationToken)"/>, whose commit is the caller's.</remarks>
    public event Action? Changed;

    /// <summary>
    /// Changes are read only below the feed's horizon: the oldest transaction still running (pg_snapshot_xmin of the
    /// statement's own snapshot) shifted like the sequences are (see migration 2). Every change below it is committed or
    /// rolled back for good, and every write to come gets a sequence at or above it, so resuming after the last sequence read
    /// skips nothing. A transaction left open (an enqueue inside the caller's transaction, in any database of the server)
    /// holds the feed back until it ends.
    /// </summary>
    private const string Horizon = "(pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 20)";

    /// <inheritdoc />
    public Task<IReadOnlyList<JobChange>> ReadChangesAsync(long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        ChangeFeed.ValidateLimit(limit);
        return RetryAsync<IReadOnlyList<JobChange>>(async ct =>
        {
#pragma warning disable CA2100
            await using var command = _dataSource.CreateCommand(
                $"SELECT {Columns}, change_seq FROM {_jobs} WHERE change_seq > @after AND change_seq < {Horizon} ORDER BY change_seq LIMIT @limit");
#pragma warning restore CA2100
            command.Parameters.AddWithValue("after", afterSequence);
            command.Parameters.AddWithValue("limit", limit);
            var changes = new List<JobChange>();
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
                changes.Add(new JobChange(reader.GetInt64(ColumnCount), Read(reader)));
            return changes;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> LatestChangeAsync(CancellationToken cancellationToken = default) =>
        RetryAsync(async ct =>
        {
#pragma warning disable CA2100
            await using var command = _dataSource.CreateCommand($"SELECT coalesce(max(change_seq), 0) FROM {_jobs} WHERE change_seq < {Horizon}");
#pragma warning restore CA2100
            return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }, cancellationToken);

    /// <inheritdoc />
    public Task HeartbeatWorkerAsync(WorkerInfo worker, CancellationToken cancellationToken = default)
    {
        WorkerRegistry.Validate(worker);
        return RetryAsync(async ct =>
        {
            var now = Now;
#pragma warning disable CA2100
            await using var command = _dataSource.CreateCommand(
                $"WITH pruned AS (DELETE FROM {_workers} WHERE last_seen_at < @before AND id <> @id) " +
                $"INSERT INTO {_workers} (id, host, process_id, queues, concurrency, running, started_at, last_seen_at) " +
                "VALUES (@id, @host, @pid, @queues, @concurrency, @running, @started, @now) ON CONFLICT (id) DO UPDATE SET " +
                "host = excluded.host, process_id = excluded.process_id, queues = excluded.queues, concurrency = excluded.concurrency, " +
                "running = excluded.running, started_at = excluded.started_at, last_seen_at = excluded.last_seen_at");
#pragma warning restore CA2100
            command.Parameters.AddWithValue("before", now - WorkerRegistry.PruneAfter);
            command.Parameters.AddWithValue("id", worker.Id);
            command.Parameters.AddWithValue("host", worker.Host);
            command.Parameters.AddWithValue("pid", worker.ProcessId);
            command.Parameters.AddWithValue("queues", worker.Queues.ToArray());
            command.Parameters.AddWithValue("concurrency", worker.Concurrency);
            command.Parameters.AddWithValue("running", worker.Running);
            command.Parameters.AddWithValue("started", Utc(worker.StartedAt));
            command.Parameters.AddWithValue("now", now);
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<WorkerInfo>> ListWorkersAsync(DateTimeOffset seenSince, CancellationToken cancellationToken = default) =>
        RetryAsync<IReadOnlyList<WorkerInfo>>(async ct =>
        {
#pragma warning disable CA2100
            await using var command = _dataSource.CreateCommand(
                "SELECT id, host, process_id, queues, concurrency, running, started_at, last_seen_at " +
                $"FROM {_workers} WHERE last_seen_at >= @since ORDER BY id");
#pragma warning restore CA2100
            command.Parameters.AddWithValue("since", Utc(seenSince));
            var workers = new List<WorkerInfo>();
            await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                workers.Add(new WorkerInfo(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetFieldValue<string[]>(3), r.GetInt32(4),
                    r.GetInt32(5), r.GetFieldValue<DateTimeOffset>(6), r.GetFieldValue<DateTimeOffset>(7)));
            }
            return workers;
        }, cancellationToken);

    /// <inheritdoc />
    public Task RemoveWorkerAsync(string workerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workerId);
        return RetryAsync(async ct =>
        {
#pragma warning disable CA2100
            await using var command = _dataSource.CreateCommand($"DELETE FROM {_workers} WHERE id = @id");
#pragma warning restore CA2100
            command.Parameters.AddWithValue("id", workerId);
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ThroughputBucket>> ThroughputAsync(DateTimeOffset since, TimeSpan bucket, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        _ = new ThroughputBuckets(since, bucket, now); // checks the arguments before any round trip
        return RetryAsync<IReadOnlyList<ThroughputBucket>>(async ct =>
        {
            var buckets = new ThroughputBuckets(since, bucket, now);
            // An index-only range scan of (finished_at, state); the bucket index is computed in whole microseconds.
#pragma warning disable CA2100
            await using var command = _dataSource.CreateCommand(
                "SELECT div((extract(epoch FROM finished_at) * 1000000)::bigint - @since, @width) AS k, " +
                "count(*) FILTER (WHERE state = 'succeeded'), count(*) FILTER (WHERE state = 'dead'), count(*) FILTER (WHERE state = 'cancelled') " +
                $"FROM {_jobs} WHERE finished_at >= @from GROUP BY k");
#pragma warning restore CA2100
            command.Parameters.AddWithValue("since", (Utc(since).UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10);
            command.Parameters.AddWithValue("width", buckets.WidthMicros);
            command.Parameters.AddWithValue("from", Utc(since));
            await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
                buckets.Add(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3));
            return buckets.ToList();
        }, cancellationToken);
    }

    private async Task<T> RetryAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        await _retry.ExecuteAsync(async ct => await call(ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>A failure of the connection or of a server that is going down or starting up: worth trying again.</summary>
    private static bool IsTransient(Exception e) => e switch
    {
        PostgresException p => p.IsTransient || p.SqlState.StartsWith("57P", StringComparison.Ordinal) || p.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException n => n.IsTransient || n.InnerException is IOException or System.Net.Sockets.SocketException || n.InnerException is null,
        IOException or System.Net.Sockets.SocketException => true,
        _ => false,
    };

    [GeneratedRegex("^[a-z][a-z0-9_]{0,39}$")]
    private static partial Regex SchemaName();

    /// <summary>Stops listening and closes the store's connections.</summary>
    public async ValueTask DisposeAsync()
    {
        PostgresListener? listener;
        lock (_listenerLock)
        {
            if (_disposed) return;
            _disposed = true;
            listener = _listener;
        }
        if (listener is not null) await listener.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }
}
