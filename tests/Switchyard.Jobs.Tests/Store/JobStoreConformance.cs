using Switchyard.Jobs.Store;
using Switchyard.Testing;

namespace Switchyard.Jobs.Tests.Store;

/// <summary>
/// The behaviour every <see cref="IJobStore"/> must have. A store's test class derives from this and supplies
/// fresh stores; all timing runs on a virtual clock.
/// </summary>
public abstract partial class JobStoreConformance : IAsyncLifetime
{
    private readonly List<IJobStore> _stores = [];

    protected ManualTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));

    /// <summary>A fresh, empty store on <paramref name="time"/>.</summary>
    protected abstract Task<IJobStore> CreateStoreAsync(TimeProvider time);

    /// <summary>Another instance (another connection, as a second process would have) on the same data as <paramref name="store"/>.</summary>
    protected abstract Task<IJobStore> OpenSameStoreAsync(IJobStore store, TimeProvider time);

    private IJobStore Store { get; set; } = null!;

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync(Clock);
        _stores.Add(Store);
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _stores) await store.DisposeAsync();
        await DisposeStorageAsync();
    }

    /// <summary>Deletes what the stores left behind.</summary>
    protected virtual Task DisposeStorageAsync() => Task.CompletedTask;

    private DateTimeOffset Now => Clock.GetUtcNow();

    private NewJob New(string kind = "k", string queue = "q", string payload = "{}", int priority = 0, TimeSpan? delay = null,
        int maxAttempts = 3, string? key = null) =>
        new(kind, queue, payload, priority, delay is { } d ? Now + d : null, maxAttempts, key);

    private async Task<Job> EnqueueOne(NewJob job) => (await Store.EnqueueAsync([job])).Single().Job;

    private Task<IReadOnlyList<Job>> Lease(string owner = "w1", int limit = 10, string queue = "q", TimeSpan? lease = null) =>
        Store.LeaseAsync(new LeaseRequest(owner, queue.Length == 0 ? [] : [queue], limit, lease ?? TimeSpan.FromSeconds(30)));

    [Fact]
    public async Task Enqueue_stores_a_job_with_every_field()
    {
        var job = await EnqueueOne(New(kind: "email", payload: """{"to":"a@b"}""", priority: 3, maxAttempts: 7, key: "k-1"));

        var stored = await Store.GetAsync(job.Id);
        Assert.NotNull(stored);
        Assert.Equal(("email", "q", """{"to":"a@b"}""", 3, JobState.Available, 0, 7, "k-1"),
            (stored.Kind, stored.Queue, stored.Payload, stored.Priority, stored.State, stored.Attempt, stored.MaxAttempts, stored.IdempotencyKey));
        Assert.Equal(Now, stored.CreatedAt);
        Assert.Equal(Now, stored.RunAt);
        Assert.Null(stored.StartedAt);
        Assert.Null(await Store.GetAsync(job.Id + 1000));
    }

    [Fact]
    public async Task Enqueue_many_returns_every_job_in_order_with_increasing_ids()
    {
        var results = await Store.EnqueueAsync(Enumerable.Range(0, 50).Select(i => New(payload: $$"""{"i":{{i}}}""")).ToList());

        Assert.Equal(50, results.Count);
        Assert.All(results, r => Assert.True(r.Created));
        Assert.Equal(results.Select(r => r.Job.Id).Order(), results.Select(r => r.Job.Id));
        Assert.Equal(50, results.Select(r => r.Job.Id).Distinct().Count());
        Assert.Equal("""{"i":49}""", (await Store.GetAsync(results[^1].Job.Id))!.Payload);
    }

    [Fact]
    public async Task A_repeated_idempotency_key_returns_the_existing_job()
    {
        var first = await Store.EnqueueAsync([New(key: "once", payload: """{"a":1}""")]);
        var again = await Store.EnqueueAsync([New(key: "once", payload: """{"a":2}"""), New(key: "other")]);

        Assert.False(again[0].Created);
        Assert.Equal(first[0].Job.Id, again[0].Job.Id);
        Assert.Equal("""{"a":1}""", again[0].Job.Payload);
        Assert.True(again[1].Created);
        Assert.Equal(2, (await Store.QueryAsync(new JobQuery())).Jobs.Count);
    }

    [Fact]
    public async Task A_delayed_job_is_scheduled_and_leased_only_when_due()
    {
        var job = await EnqueueOne(New(delay: TimeSpan.FromMinutes(5)));
        Assert.Equal(JobState.Scheduled, job.State);

        Assert.Empty(await Lease());
        Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal([job.Id], (await Lease()).Select(j => j.Id));
    }

    [Fact]
    public async Task Lease_takes_priority_then_run_at_then_id_and_only_due_jobs_of_the_queue()
    {
        var low = await EnqueueOne(New(priority: 0));
        var later = await EnqueueOne(New(priority: 5, delay: TimeSpan.FromSeconds(10)));
        var high = await EnqueueOne(New(priority: 5));
        var high2 = await EnqueueOne(New(priority: 5));
        await EnqueueOne(New(queue: "other", priority: 9));
        var notDue = await EnqueueOne(New(priority: 9, delay: TimeSpan.FromHours(1)));
        Clock.Advance(TimeSpan.FromSeconds(10));

        var leased = await Lease(limit: 3);

        Assert.Equal([high.Id, high2.Id, later.Id], leased.Select(j => j.Id));
        Assert.All(leased, j => Assert.Equal((JobState.Running, 1, "w1", Now + TimeSpan.FromSeconds(30), Now),
            (j.State, j.Attempt, j.LeaseOwner, j.LeaseExpiresAt!.Value, j.StartedAt!.Value)));
        Assert.Equal([low.Id], (await Lease(limit: 10)).Select(j => j.Id));
        Assert.DoesNotContain(notDue.Id, (await Lease(limit: 10)).Select(j => j.Id));
    }

    [Fact]
    public async Task Lease_from_every_queue_when_none_is_named()
    {
        await Store.EnqueueAsync([New(queue: "a"), New(queue: "b")]);
        Assert.Equal(2, (await Lease(queue: "")).Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("q1,q3,q9,q1")]
    public async Task Leases_over_several_queues_or_all_take_their_due_jobs_in_one_order_across_queues(string named)
    {
        // Five queues; priorities and run-at times interleave across them; q4's jobs are not due yet.
        var random = new Random(7);
        var jobs = await Store.EnqueueAsync(Enumerable.Range(0, 120).Select(i => New(queue: $"q{i % 5}", priority: random.Next(3),
            delay: i % 5 == 4 ? TimeSpan.FromHours(1) : TimeSpan.FromMilliseconds(random.Next(3) * 500))).ToList());
        Clock.Advance(TimeSpan.FromSeconds(1)); // the jobs delayed by 0 and 500 ms are due, those delayed by 1 s are due just now
        string[] queues = named.Length == 0 ? [] : named.Split(',');
        var expected = jobs.Select(r => r.Job).Where(j => j.RunAt <= Now && (queues.Length == 0 || queues.Contains(j.Queue)))
            .OrderByDescending(j => j.Priority).ThenBy(j => j.RunAt).ThenBy(j => j.Id).Select(j => j.Id).ToList();

        var leased = new List<long>();
        for (IReadOnlyList<Job> batch; (batch = await Store.LeaseAsync(new LeaseRequest("w", queues, 7, TimeSpan.FromMinutes(1)))).Count > 0;)
        {
            Assert.InRange(batch.Count, 1, 7);
            leased.AddRange(batch.Select(j => j.Id));
        }

        Assert.Equal(expected, leased);
        Assert.True(expected.Count > 40, $"{expected.Count} due jobs");
    }

    [Fact]
    public async Task Many_concurrent_leasers_never_get_the_same_job()
    {
        const int jobs = 600;
        for (var i = 0; i < jobs; i += 100)
            await Store.EnqueueAsync(Enumerable.Range(0, 100).Select(_ => New()).ToList());
        var stores = new List<IJobStore> { Store };
        for (var i = 0; i < 3; i++)
        {
            var other = await OpenSameStoreAsync(Store, Clock);
            _stores.Add(other);
            stores.Add(other);
        }

        var leasers = Enumerable.Range(0, 12).Select(n => Task.Run(async () =>
        {
            var mine = new List<long>();
            while (true)
            {
                // Every way to name the queues: this one, it among others, or none (every queue).
                IReadOnlyList<string> queues = (n % 3) switch { 0 => ["q"], 1 => ["x", "q"], _ => [] };
                var batch = await stores[n % stores.Count].LeaseAsync(new LeaseRequest($"w{n}", queues, 7, TimeSpan.FromMinutes(1)));
                if (batch.Count == 0) return mine;
                mine.AddRange(batch.Select(j => j.Id));
            }
        })).ToList();
        var all = (await Task.WhenAll(leasers).Within()).SelectMany(x => x).ToList();

        Assert.Equal(jobs, all.Count);
        Assert.Equal(jobs, all.Distinct().Count());
    }

    [Fact]
    public async Task Renew_extends_held_leases_and_reports_lost_jobs_and_cancel_requests()
    {
        var a = await EnqueueOne(New());
        var b = await EnqueueOne(New());
        var c = await EnqueueOne(New());
        await Lease(limit: 2);
        Clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(CancelOutcome.Requested, await Store.CancelAsync(b.Id));

        var renewed = await Store.RenewLeasesAsync("w1", [a.Id, b.Id, c.Id], TimeSpan.FromSeconds(30));

        Assert.Equal([c.Id], renewed.Lost);
        Assert.Equal([b.Id], renewed.CancelRequested);
        Assert.Equal(Now + TimeSpan.FromSeconds(30), (await Store.GetAsync(a.Id))!.LeaseExpiresAt);
        Assert.Equal([a.Id, b.Id], (await Store.RenewLeasesAsync("someone-else", [a.Id, b.Id], TimeSpan.FromSeconds(30))).Lost);
    }

    [Fact]
    public async Task Complete_in_a_batch_records_success_retry_dead_cancel_and_release()
    {
        var ids = (await Store.EnqueueAsync(Enumerable.Range(0, 5).Select(_ => New()).ToList())).Select(r => r.Job.Id).ToArray();
        await Lease(limit: 5);
        var error = new JobError("System.IO.IOException", "disk full", "at X");

        var applied = await Store.CompleteAsync([
            new JobCompletion(ids[0], "w1", CompletionKind.Succeeded, Result: """{"ok":true}"""),
            new JobCompletion(ids[1], "w1", CompletionKind.Retry, Error: error, RetryAt: Now + TimeSpan.FromSeconds(16)),
            new JobCompletion(ids[2], "w1", CompletionKind.Dead, Error: error),
            new JobCompletion(ids[3], "w1", CompletionKind.Cancelled),
            new JobCompletion(ids[4], "w1", CompletionKind.Released),
            new JobCompletion(ids[0], "w1", CompletionKind.Dead, Error: error), // already completed: ignored
        ]);

        Assert.Equal(5, applied);
        var jobs = await Task.WhenAll(ids.Select(id => Store.GetAsync(id)));
        Assert.Equal([JobState.Succeeded, JobState.Retrying, JobState.Dead, JobState.Cancelled, JobState.Available], jobs.Select(j => j!.State));
        Assert.Equal("""{"ok":true}""", jobs[0]!.Result);
        Assert.Equal(Now, jobs[0]!.FinishedAt);
        Assert.Equal(error, jobs[1]!.LastError);
        Assert.Equal(Now + TimeSpan.FromSeconds(16), jobs[1]!.RunAt);
        Assert.Null(jobs[1]!.LeaseOwner);
        Assert.Equal(error, jobs[2]!.LastError);
        Assert.Equal(0, jobs[4]!.Attempt);
        Assert.Equal([ids[4]], (await Lease()).Select(j => j.Id));
        Clock.Advance(TimeSpan.FromSeconds(16));
        var retried = Assert.Single(await Lease());
        Assert.Equal((ids[1], 2), (retried.Id, retried.Attempt));
    }

    [Fact]
    public async Task A_released_job_whose_cancel_was_asked_ends_cancelled()
    {
        var job = await EnqueueOne(New());
        await Lease();
        await Store.CancelAsync(job.Id);

        Assert.Equal(1, await Store.CompleteAsync([new JobCompletion(job.Id, "w1", CompletionKind.Released)]));

        var stored = (await Store.GetAsync(job.Id))!;
        Assert.Equal((JobState.Cancelled, Now), (stored.State, stored.FinishedAt!.Value));
    }

    [Fact]
    public async Task A_completion_from_a_worker_that_lost_the_lease_is_ignored()
    {
        var job = await EnqueueOne(New());
        await Lease(owner: "w1", lease: TimeSpan.FromSeconds(5));
        Clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(1, await Store.RescueExpiredAsync());
        await Lease(owner: "w2");

        Assert.Equal(0, await Store.CompleteAsync([new JobCompletion(job.Id, "w1", CompletionKind.Succeeded)]));
        Assert.Equal(("w2", JobState.Running), ((await Store.GetAsync(job.Id))!.LeaseOwner, (await Store.GetAsync(job.Id))!.State));
    }

    [Fact]
    public async Task Cancel_stops_a_queued_job_at_once_and_asks_a_running_one()
    {
        var queued = await EnqueueOne(New(delay: TimeSpan.FromMinutes(1)));
        var running = await EnqueueOne(New());
        await Lease();

        Assert.Equal(CancelOutcome.Cancelled, await Store.CancelAsync(queued.Id));
        Assert.Equal(CancelOutcome.Requested, await Store.CancelAsync(running.Id));
        Assert.Equal(CancelOutcome.AlreadyFinished, await Store.CancelAsync(queued.Id));
        Assert.Equal(CancelOutcome.NotFound, await Store.CancelAsync(999_999));

        Assert.Equal((JobState.Cancelled, Now), ((await Store.GetAsync(queued.Id))!.State, (await Store.GetAsync(queued.Id))!.FinishedAt!.Value));
        var stillRunning = (await Store.GetAsync(running.Id))!;
        Assert.Equal((JobState.Running, true), (stillRunning.State, stillRunning.CancelRequested));
        Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Empty(await Lease());
    }

    [Fact]
    public async Task Rescue_returns_expired_leases_and_spends_the_attempt()
    {
        var again = await EnqueueOne(New(maxAttempts: 3));
        var spent = await EnqueueOne(New(maxAttempts: 1));
        var cancelled = await EnqueueOne(New());
        var fresh = await EnqueueOne(New());
        await Lease(limit: 3, lease: TimeSpan.FromSeconds(10));
        await Store.CancelAsync(cancelled.Id);
        Clock.Advance(TimeSpan.FromSeconds(5));
        await Lease(owner: "w2", limit: 1, lease: TimeSpan.FromSeconds(10));
        Assert.Equal(0, await Store.RescueExpiredAsync());
        Clock.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal(3, await Store.RescueExpiredAsync());

        Assert.Equal(JobState.Retrying, (await Store.GetAsync(again.Id))!.State);
        Assert.Equal("LeaseExpired", (await Store.GetAsync(again.Id))!.LastError!.Type);
        Assert.Equal(JobState.Dead, (await Store.GetAsync(spent.Id))!.State);
        Assert.Equal(JobState.Cancelled, (await Store.GetAsync(cancelled.Id))!.State);
        Assert.Equal(JobState.Running, (await Store.GetAsync(fresh.Id))!.State);
        var back = Assert.Single(await Lease());
        Assert.Equal((again.Id, 2), (back.Id, back.Attempt));
    }

    [Fact]
    public async Task Retry_makes_a_dead_job_available_and_grows_a_spent_budget()
    {
        var job = await EnqueueOne(New(maxAttempts: 1));
        await Lease();
        await Store.CompleteAsync([new JobCompletion(job.Id, "w1", CompletionKind.Dead, Error: new JobError("E", "m", null))]);
        var running = await EnqueueOne(New());
        await Lease();

        Assert.Equal(RetryOutcome.Retried, await Store.RetryAsync(job.Id));
        Assert.Equal(RetryOutcome.Running, await Store.RetryAsync(running.Id));
        Assert.Equal(RetryOutcome.NotFound, await Store.RetryAsync(999_999));

        var retried = (await Store.GetAsync(job.Id))!;
        Assert.Equal((JobState.Available, 2, (DateTimeOffset?)null), (retried.State, retried.MaxAttempts, retried.FinishedAt));
        Assert.Equal((job.Id, 2), (await Lease()).Select(j => (j.Id, j.Attempt)).Single());
    }

    [Fact]
    public async Task Progress_is_recorded_for_the_lease_holder_only()
    {
        var job = await EnqueueOne(New());
        await Lease();
        await Store.ReportProgressAsync(job.Id, "w1", 42.5, "halfway");
        await Store.ReportProgressAsync(job.Id, "intruder", 99, "no");

        var stored = (await Store.GetAsync(job.Id))!;
        Assert.Equal((42.5, "halfway"), (stored.ProgressPercent!.Value, stored.ProgressMessage));
    }

    [Fact]
    public async Task Query_filters_by_state_queue_kind_and_text_and_pages_by_keyset()
    {
        await Store.EnqueueAsync(Enumerable.Range(0, 25).Select(i => New(kind: i % 2 == 0 ? "even" : "odd",
            queue: i < 20 ? "q" : "other", payload: $$"""{"n":{{i}},"tag":"{{(i == 7 ? "Needle" : "hay")}}"}""")).ToList());
        var failing = await EnqueueOne(New(kind: "boom", queue: "z"));
        await Lease(queue: "z");
        await Store.CompleteAsync([new JobCompletion(failing.Id, "w1", CompletionKind.Dead, Error: new JobError("E", "connection REFUSED by peer", null))]);

        Assert.Equal(13, (await Store.QueryAsync(new JobQuery { Kind = "even", Limit = 100 })).Jobs.Count);
        Assert.Equal(5, (await Store.QueryAsync(new JobQuery { Queue = "other" })).Jobs.Count);
        Assert.Equal([failing.Id], (await Store.QueryAsync(new JobQuery { States = [JobState.Dead] })).Jobs.Select(j => j.Id));
        Assert.Equal(25, (await Store.QueryAsync(new JobQuery { States = [JobState.Available, JobState.Running], Limit = 100 })).Jobs.Count);
        Assert.Equal("""{"n":7,"tag":"Needle"}""", Assert.Single((await Store.QueryAsync(new JobQuery { Search = "needle" })).Jobs).Payload);
        Assert.Equal(failing.Id, Assert.Single((await Store.QueryAsync(new JobQuery { Search = "refused" })).Jobs).Id);
        Assert.Equal(10, (await Store.QueryAsync(new JobQuery { Queue = "q", Kind = "odd" })).Jobs.Count);

        var seen = new List<long>();
        long? cursor = null;
        do
        {
            var page = await Store.QueryAsync(new JobQuery { Limit = 7, Before = cursor });
            seen.AddRange(page.Jobs.Select(j => j.Id));
            cursor = page.NextCursor;
        } while (cursor is not null);
        Assert.Equal(26, seen.Count);
        Assert.Equal(seen.OrderDescending(), seen);
    }

    [Fact]
    public async Task Counts_group_by_queue_and_state()
    {
        await Store.EnqueueAsync([New(queue: "a"), New(queue: "a"), New(queue: "b"), New(queue: "b", delay: TimeSpan.FromHours(1))]);
        await Lease(queue: "a", limit: 1);

        var counts = await Store.CountAsync();

        Assert.Equal(
            [("a", JobState.Available, 1L), ("a", JobState.Running, 1L), ("b", JobState.Scheduled, 1L), ("b", JobState.Available, 1L)],
            counts.Select(c => (c.Queue, c.State, c.Count)).Order());
    }

    [Fact]
    public async Task Purge_deletes_only_finished_jobs_older_than_the_time()
    {
        var ids = (await Store.EnqueueAsync([New(), New(), New()])).Select(r => r.Job.Id).ToArray();
        await Lease(limit: 2);
        await Store.CompleteAsync([new JobCompletion(ids[0], "w1", CompletionKind.Succeeded)]);
        Clock.Advance(TimeSpan.FromHours(2));
        await Store.CompleteAsync([new JobCompletion(ids[1], "w1", CompletionKind.Succeeded)]);

        Assert.Equal(1, await Store.PurgeAsync(Now - TimeSpan.FromHours(1)));

        Assert.Null(await Store.GetAsync(ids[0]));
        Assert.NotNull(await Store.GetAsync(ids[1]));
        Assert.NotNull(await Store.GetAsync(ids[2]));
    }

    [Fact]
    public async Task An_enqueue_raises_jobs_available_with_its_queues()
    {
        var raised = new TaskCompletionSource<IReadOnlyCollection<string>>();
        Store.JobsAvailable += q => raised.TrySetResult(q);
        await Store.EnqueueAsync([New(queue: "mail")]);
        Assert.Equal(["mail"], await raised.Task.Within());
    }
}
