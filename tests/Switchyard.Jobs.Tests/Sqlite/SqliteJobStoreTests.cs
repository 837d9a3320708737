using Microsoft.Data.Sqlite;
using Switchyard.Jobs.Sqlite;
using Switchyard.Jobs.Store;

namespace Switchyard.Jobs.Tests.Sqlite;

/// <summary>What only the SQLite store has: the file, WAL, the schema version, group commit.</summary>
public sealed class SqliteJobStoreTests : IDisposable
{
    private readonly TempDb _db = new();

    private static T Scalar<T>(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The details of SQLite's plan for <paramref name="sql"/>, one line per step.</summary>
    private static string PlanOf(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
#pragma warning disable CA2100 // the test's own SQL
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
#pragma warning restore CA2100
        using var reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read()) lines.Add(reader.GetString(3));
        return string.Join("\n", lines);
    }

    [Fact]
    public async Task Creates_a_wal_database_at_the_latest_schema_version_and_reopens_it_without_migrating_again()
    {
        await using (var store = SqliteJobStore.Open(new SqliteJobStoreOptions { Path = _db.Path }))
            await new JobClient(store).EnqueueAsync("k", "{}");

        Assert.Equal("wal", Scalar<string>(_db.Path, "PRAGMA journal_mode"));
        Assert.Equal(SqliteMigrations.Latest, Scalar<int>(_db.Path, "PRAGMA user_version"));

        await using (var again = SqliteJobStore.Open(new SqliteJobStoreOptions { Path = _db.Path }))
            Assert.Single((await again.QueryAsync(new JobQuery())).Jobs);
    }

    [Fact]
    public void A_database_from_a_newer_build_is_refused()
    {
        using (var connection = new SqliteConnection($"Data Source={_db.Path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA user_version = {SqliteMigrations.Latest + 1}";
            command.ExecuteNonQuery();
        }

        var error = Assert.Throws<InvalidOperationException>(() => SqliteJobStore.Open(new SqliteJobStoreOptions { Path = _db.Path }));
        Assert.Contains($"schema is version {SqliteMigrations.Latest + 1}, newer than this build knows", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_at_schema_version_1_is_upgraded_and_its_jobs_join_the_feed_before_every_new_change()
    {
        using (var connection = new SqliteConnection($"Data Source={_db.Path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
#pragma warning disable CA2100 // the first migration's own text
            command.CommandText = SqliteMigrations.Steps[0] + "PRAGMA user_version = 1;" +
                "INSERT INTO jobs (kind, queue, payload, priority, state, attempt, max_attempts, run_at, created_at) " +
                "VALUES ('k', 'q', '{}', 0, 'available', 0, 3, 0, 0), ('k', 'q', '{}', 0, 'available', 0, 3, 0, 0), ('k', 'q', '{}', 0, 'available', 0, 3, 0, 0);" +
                "DELETE FROM jobs WHERE id = 3;"; // purged before the upgrade: its id is never a sequence again
#pragma warning restore CA2100
            command.ExecuteNonQuery();
        }

        await using var store = SqliteJobStore.Open(new SqliteJobStoreOptions { Path = _db.Path });
        Assert.Equal(SqliteMigrations.Latest, Scalar<int>(_db.Path, "PRAGMA user_version"));
        var old = await store.ReadChangesAsync(0, 100);
        Assert.Equal([(1L, 1L), (2L, 2L)], old.Select(c => (c.Sequence, c.Job.Id)));
        var added = Assert.Single(await store.EnqueueAsync([new NewJob("k", "q", "{}", 0, null, 1)])).Job;
        await store.LeaseAsync(new LeaseRequest("w", ["q"], 1, TimeSpan.FromSeconds(30)));

        var feed = await store.ReadChangesAsync(old[^1].Sequence, 100);
        Assert.Equal([added.Id, 1L], feed.Select(c => c.Job.Id));
        Assert.All(feed, c => Assert.True(c.Sequence > 3, $"sequence {c.Sequence} reuses an id of the old jobs"));
        await store.HeartbeatWorkerAsync(new WorkerInfo("w", "h", 1, [], 1, 0, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow));
        Assert.Single(await store.ListWorkersAsync(DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public async Task The_feed_and_throughput_read_their_indexes()
    {
        await using (SqliteJobStore.Open(new SqliteJobStoreOptions { Path = _db.Path })) { }

        Assert.Contains("USING INDEX jobs_changes (change_seq>?)",
            PlanOf(_db.Path, "SELECT *, change_seq FROM jobs WHERE change_seq > 5 ORDER BY change_seq LIMIT 10"),
            StringComparison.Ordinal);
        Assert.Equal("SEARCH jobs USING COVERING INDEX jobs_finished (finished_at>? AND finished_at<?)",
            PlanOf(_db.Path, "SELECT sum(state = 'succeeded'), sum(state = 'dead'), sum(state = 'cancelled') FROM jobs " +
                "WHERE finished_at >= $from AND finished_at < $to"));
    }

    [Fact]
    public async Task Leases_read_the_one_due_index_queue_by_queue_without_sorting()
    {
        await SqliteJobStore.Open(new SqliteJobStoreOptions { Path = _db.Path }).DisposeAsync();

        Assert.Equal("jobs_due", Scalar<string>(_db.Path, "SELECT group_concat(name) FROM sqlite_master WHERE type = 'index' AND sql LIKE '%run_at%'"));
        Assert.Equal("SCAN jobs USING INDEX jobs_due", PlanOf(_db.Path, SqliteLeaseCandidates.FirstQueue));
        Assert.Equal("SEARCH jobs USING INDEX jobs_due (queue>?)", PlanOf(_db.Path, SqliteLeaseCandidates.NextQueue));
        Assert.Equal("SEARCH jobs USING INDEX jobs_due (queue=?)", PlanOf(_db.Path, SqliteLeaseCandidates.DueInQueue));
    }

    [Fact]
    public async Task State_lists_read_the_partial_state_index_the_lease_index_or_the_table_newest_first()
    {
        await SqliteJobStore.Open(new SqliteJobStoreOptions { Path = _db.Path }).DisposeAsync();
        string Plan(params JobState[] states) =>
            PlanOf(_db.Path, SqliteJobStore.QuerySql(new JobQuery { States = states, Before = 1_000 }).Sql);

        // Rare states: their own index, one range per state, no table scan.
        Assert.Equal("SEARCH jobs USING INDEX jobs_state (state=? AND id<?)", Plan(JobState.Dead));
        Assert.StartsWith("SEARCH jobs USING INDEX jobs_state (state=? AND id<?)", Plan(JobState.Scheduled, JobState.Retrying), StringComparison.Ordinal);
        // Running jobs (few: as many as the workers' slots) through the lease index, sorted.
        Assert.StartsWith("SCAN jobs USING INDEX jobs_leases", Plan(JobState.Running), StringComparison.Ordinal);
        // The states every job passes through: the table newest first, stopping at the page's end.
        Assert.Equal("SEARCH jobs USING INTEGER PRIMARY KEY (rowid<?)", Plan(JobState.Succeeded));
        Assert.Equal("SEARCH jobs USING INTEGER PRIMARY KEY (rowid<?)", Plan(JobState.Available, JobState.Running));
    }

    [Fact]
    public async Task Lists_by_state_alone_or_mixed_page_through_exactly_those_jobs_newest_first()
    {
        await using var store = SqliteJobStore.Open(new SqliteJobStoreOptions { Path = _db.Path });
        var expected = Enum.GetValues<JobState>().ToDictionary(s => s, _ => new List<long>());
        for (var round = 0; round < 3; round++) // each state's jobs among the others' ids
        {
            foreach (var state in Enum.GetValues<JobState>())
            {
                var queue = $"{state}-{round}";
                var runAt = state == JobState.Scheduled ? DateTimeOffset.UtcNow.AddHours(1) : (DateTimeOffset?)null;
                var job = Assert.Single(await store.EnqueueAsync([new NewJob("k", queue, "{}", 0, runAt, 3)])).Job;
                if (state is JobState.Running or JobState.Succeeded or JobState.Dead or JobState.Retrying)
                    Assert.Single(await store.LeaseAsync(new LeaseRequest("w", [queue], 1, TimeSpan.FromMinutes(5))));
                JobCompletion? completion = state switch
                {
                    JobState.Succeeded => new(job.Id, "w", CompletionKind.Succeeded),
                    JobState.Dead => new(job.Id, "w", CompletionKind.Dead, Error: new JobError("E", "m", null)),
                    JobState.Retrying => new(job.Id, "w", CompletionKind.Retry, Error: new JobError("E", "m", null), RetryAt: DateTimeOffset.UtcNow.AddHours(1)),
                    _ => null,
                };
                if (completion is not null) Assert.Equal(1, await store.CompleteAsync([completion]));
                if (state == JobState.Cancelled) await store.CancelAsync(job.Id);
                expected[state].Add(job.Id);
            }
        }

        JobState[][] lists =
        [
            [JobState.Dead], [JobState.Running], [JobState.Succeeded], [JobState.Available], [JobState.Scheduled, JobState.Retrying],
            [JobState.Dead, JobState.Cancelled, JobState.Dead], [JobState.Available, JobState.Running], [JobState.Succeeded, JobState.Dead],
        ];
        foreach (var states in lists)
        {
            var seen = new List<long>();
            long? cursor = null;
            do
            {
                var page = await store.QueryAsync(new JobQuery { States = states, Limit = 2, Before = cursor });
                Assert.All(page.Jobs, j => Assert.Contains(j.State, states));
                seen.AddRange(page.Jobs.Select(j => j.Id));
                cursor = page.NextCursor;
            }
            while (cursor is not null);
            Assert.Equal(states.Distinct().SelectMany(s => expected[s]).OrderDescending(), seen);
        }
    }

    [Fact]
    public async Task Concurrent_enqueues_share_commits_and_each_is_acknowledged_with_its_own_job()
    {
        await using var store = SqliteJobStore.Open(new SqliteJobStoreOptions { Path = _db.Path });
        var client = new JobClient(store);

        var results = await Task.WhenAll(Enumerable.Range(0, 500).Select(i => client.EnqueueAsync("k", $$"""{"i":{{i}}}""")));

        Assert.Equal(500, results.Select(r => r.Job.Id).Distinct().Count());
        foreach (var (result, i) in results.Select((r, i) => (r, i)))
            Assert.Equal($$"""{"i":{{i}}}""", (await store.GetAsync(result.Job.Id))!.Payload);
    }

    [Fact]
    public async Task A_failing_request_fails_alone_and_the_rest_of_its_batch_commits()
    {
        await using var store = SqliteJobStore.Open(new SqliteJobStoreOptions { Path = _db.Path });
        var good = Enumerable.Range(0, 50).Select(_ => store.EnqueueAsync([new NewJob("k", "q", "{}", 0, null, 1)])).ToList();
        // Stores trust the client's checks; a null kind breaks the table's NOT NULL rule inside the shared transaction.
        var bad = store.EnqueueAsync([new NewJob("k", "q", "{}", 0, null, 1), new NewJob(null!, "q", "{}", 0, null, 1)]);
        good.AddRange(Enumerable.Range(0, 50).Select(_ => store.EnqueueAsync([new NewJob("k", "q", "{}", 0, null, 1)])));

        await Assert.ThrowsAsync<SqliteException>(() => bad);
        await Task.WhenAll(good);
        Assert.Equal(100, (await store.QueryAsync(new JobQuery { Limit = 1000 })).Jobs.Count); // and nothing of the bad request
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _db.Dispose();
    }
}
