using Npgsql;
using Switchyard.Jobs.Store;
using Switchyard.Testing;

namespace Switchyard.Jobs.Postgres.Tests.Store;

/// <summary>What only the PostgreSQL store does: transactional enqueue, concurrent migration, NOTIFY across processes.</summary>
public sealed class PostgresJobStoreTests : IAsyncLifetime
{
    private readonly string _schema = TestPostgres.NewSchema();
    private PostgresJobStore _store = null!;

    public async Task InitializeAsync() => _store = await TestPostgres.OpenAsync(_schema);

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await TestPostgres.DropSchemaAsync(_schema);
    }

    private static NewJob New(string queue = "q", string? key = null) => new("k", queue, "{}", 0, null, 3, key);

    [Fact]
    public async Task A_job_enqueued_in_a_committed_transaction_exists()
    {
        await using var connection = new NpgsqlConnection(TestPostgres.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var result = Assert.Single(await _store.EnqueueAsync(transaction, [New()]));
        Assert.Null(await _store.GetAsync(result.Job.Id)); // not visible before the commit

        await transaction.CommitAsync();

        Assert.Equal(JobState.Available, (await _store.GetAsync(result.Job.Id))!.State);
    }

    [Fact]
    public async Task A_job_enqueued_in_a_rolled_back_transaction_never_exists_and_wakes_no_one()
    {
        var woken = 0;
        _store.JobsAvailable += _ => Interlocked.Increment(ref woken);
        long id;
        await using (var connection = new NpgsqlConnection(TestPostgres.ConnectionString))
        {
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            id = (await _store.EnqueueAsync(transaction, [New(queue: "rolled")])).Single().Job.Id;
            await transaction.RollbackAsync();
        }
        // A later committed enqueue is heard; the rolled-back one was not, and it is nowhere.
        var heard = new TaskCompletionSource<IReadOnlyCollection<string>>();
        await using var other = await TestPostgres.OpenAsync(_schema);
        _store.JobsAvailable += q => { if (q.Contains("after")) heard.TrySetResult(q); };
        await other.EnqueueAsync([New(queue: "after")]);
        await heard.Task.Within();

        Assert.Null(await _store.GetAsync(id));
        Assert.Empty((await _store.QueryAsync(new JobQuery { Queue = "rolled" })).Jobs);
        Assert.Empty(await _store.LeaseAsync(new LeaseRequest("w", ["rolled"], 10, TimeSpan.FromSeconds(30))));
    }

    [Fact]
    public async Task Another_processs_enqueue_raises_jobs_available_through_notify()
    {
        var heard = new TaskCompletionSource<IReadOnlyCollection<string>>();
        _store.JobsAvailable += q => heard.TrySetResult(q);
        await using var other = await TestPostgres.OpenAsync(_schema);
        // The listener connects in the background: enqueue until it hears one (polling would be the fallback).
        await Signal.Until(() =>
        {
            other.EnqueueAsync([New(queue: "mail")]).GetAwaiter().GetResult();
            return heard.Task.IsCompleted;
        }, TimeSpan.FromSeconds(30), "the NOTIFY of another store's enqueue");
        Assert.Equal(["mail"], await heard.Task);
    }

    [Fact]
    public async Task A_burst_of_notifications_loses_no_queue_name()
    {
        var heard = new System.Collections.Concurrent.ConcurrentDictionary<string, byte>();
        _store.JobsAvailable += q => { foreach (var name in q) heard[name] = 0; };
        await using var other = await TestPostgres.OpenAsync(_schema);
        // Until the listener is connected (it connects in the background), then a burst of 30 queues at once.
        await Signal.Until(() =>
        {
            other.EnqueueAsync([New(queue: "warmup")]).GetAwaiter().GetResult();
            return heard.ContainsKey("warmup");
        }, TimeSpan.FromSeconds(30), "the listener to connect");
        var queues = Enumerable.Range(0, 30).Select(i => $"burst{i}").ToList();
        await Task.WhenAll(queues.Select(q => Task.Run(() => other.EnqueueAsync([New(queue: q)]))));

        await Signal.Until(() => queues.All(heard.ContainsKey), TimeSpan.FromSeconds(30), "every queue of the burst to be raised");
    }

    [Fact]
    public async Task Processes_that_open_a_fresh_schema_at_once_migrate_it_once()
    {
        var schema = TestPostgres.NewSchema();
        try
        {
            var stores = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => TestPostgres.OpenAsync(schema)))).Within();
            await using var connection = new NpgsqlConnection(TestPostgres.ConnectionString);
            await connection.OpenAsync();
#pragma warning disable CA2100
            await using var versions = new NpgsqlCommand($"SELECT count(*), max(version) FROM \"{schema}\".schema_version", connection);
#pragma warning restore CA2100
            await using (var reader = await versions.ExecuteReaderAsync())
            {
                await reader.ReadAsync();
                Assert.Equal(((long)PostgresMigrations.Steps.Length, PostgresMigrations.Steps.Length), (reader.GetInt64(0), reader.GetInt32(1)));
            }
            Assert.Single(await stores[3].EnqueueAsync([New()]));
            foreach (var store in stores) await store.DisposeAsync();
        }
        finally
        {
            await TestPostgres.DropSchemaAsync(schema);
        }
    }

    [Fact]
    public async Task Many_stores_enqueueing_one_recurring_time_store_one_job()
    {
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => TestPostgres.OpenAsync(_schema)));
        var results = await Task.WhenAll(stores.SelectMany(s => Enumerable.Range(0, 5).Select(_ =>
            Task.Run(() => s.EnqueueAsync([New(key: "recurring:nightly:1790000000")]))))).Within();

        Assert.Single(results.SelectMany(r => r).Select(r => r.Job.Id).Distinct());
        Assert.Equal(1, results.SelectMany(r => r).Count(r => r.Created));
        Assert.Single((await _store.QueryAsync(new JobQuery())).Jobs);
        foreach (var store in stores) await store.DisposeAsync();
    }

    [Fact]
    public async Task A_change_committed_after_a_later_one_is_held_back_until_it_commits_and_then_not_skipped()
    {
        // The open transaction takes its sequence first; the store's own enqueue takes a larger one and commits first.
        await using var connection = new NpgsqlConnection(TestPostgres.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var early = Assert.Single(await _store.EnqueueAsync(transaction, [New(queue: "early")])).Job;
        var late = Assert.Single(await _store.EnqueueAsync([New(queue: "late")])).Job;

        // While the older transaction is open, the later commit is not given out: a reader resuming after it would skip the older one.
        Assert.Empty(await _store.ReadChangesAsync(0, 100));
        Assert.Equal(0, await _store.LatestChangeAsync());

        await transaction.CommitAsync();

        List<JobChange> feed = [];
        await Signal.Until(() => (feed = _store.ReadChangesAsync(0, 100).GetAwaiter().GetResult().ToList()).Count == 2,
            what: "both enqueues in the feed once the older transaction commits");
        Assert.Equal([early.Id, late.Id], feed.Select(c => c.Job.Id));
        Assert.True(feed[0].Sequence < feed[1].Sequence);
    }

    [Fact]
    public async Task A_database_at_schema_version_1_is_upgraded_and_its_jobs_join_the_feed_before_every_new_change()
    {
        var schema = TestPostgres.NewSchema();
        try
        {
            await using (var connection = new NpgsqlConnection(TestPostgres.ConnectionString))
            {
                await connection.OpenAsync();
                var s = PostgresMigrations.Quote(schema);
#pragma warning disable CA2100 // the first migration's text and a generated schema name
                await using var create = new NpgsqlCommand(
                    $"CREATE SCHEMA {s}; CREATE TABLE {s}.schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());" +
                    PostgresMigrations.Steps[0].Replace("{s}", s, StringComparison.Ordinal) + $";INSERT INTO {s}.schema_version (version) VALUES (1);" +
                    $"INSERT INTO {s}.jobs (kind, queue, payload, priority, state, attempt, max_attempts, run_at, created_at) " +
                    "SELECT 'k', 'q', '{}', 0, 'available', 0, 3, now(), now() FROM generate_series(1, 3);", connection);
#pragma warning restore CA2100
                await create.ExecuteNonQueryAsync();
            }

            await using var store = await TestPostgres.OpenAsync(schema);
            var old = (await store.ReadChangesAsync(0, 100)).ToList();
            Assert.Equal([1L, 2L, 3L], old.Select(c => c.Job.Id));
            var added = Assert.Single(await store.EnqueueAsync([New()])).Job;
            await store.LeaseAsync(new LeaseRequest("w", ["q"], 1, TimeSpan.FromSeconds(30)));

            List<JobChange> feed = [];
            await Signal.Until(() => (feed = store.ReadChangesAsync(old[^1].Sequence, 100).GetAwaiter().GetResult().ToList()).Count == 2,
                what: "the lease and the new job in the feed");
            Assert.Equal([1L, added.Id], feed.Select(c => c.Job.Id).Order());
            Assert.Empty(await store.ListWorkersAsync(DateTimeOffset.UnixEpoch));
            await store.HeartbeatWorkerAsync(new WorkerInfo("w", "h", 1, [], 1, 0, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow));
            Assert.Single(await store.ListWorkersAsync(DateTimeOffset.UnixEpoch));
        }
        finally
        {
            await TestPostgres.DropSchemaAsync(schema);
        }
    }

    [Fact]
    public async Task A_bad_schema_name_is_refused_with_the_rule()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => TestPostgres.OpenAsync("Bad-Name; drop"));
        Assert.Contains("PostgresJobStoreOptions.Schema", e.Message, StringComparison.Ordinal);
    }
}
