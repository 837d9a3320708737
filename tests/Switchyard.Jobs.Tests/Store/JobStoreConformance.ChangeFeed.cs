using Switchyard.Jobs.Store;
using Switchyard.Testing;

namespace Switchyard.Jobs.Tests.Store;

/// <summary>The change feed: <see cref="IJobStore.ReadChangesAsync"/>, <see cref="IJobStore.LatestChangeAsync"/>, <see cref="IJobStore.Changed"/>.</summary>
public abstract partial class JobStoreConformance
{
    /// <summary>Every change after <paramref name="after"/>, page by page.</summary>
    private async Task<List<JobChange>> FeedAsync(long after = 0, int page = 1000, IJobStore? store = null)
    {
        var all = new List<JobChange>();
        while (true)
        {
            var changes = await (store ?? Store).ReadChangesAsync(after, page);
            all.AddRange(changes);
            if (changes.Count < page) return all;
            after = changes[^1].Sequence;
        }
    }

    /// <summary>
    /// The feed after <paramref name="after"/> once it shows exactly the jobs <paramref name="ids"/> (default: every job), each at
    /// its current state. A store may hold changes back while older transactions are open (PostgreSQL waits for them, in any
    /// test sharing the server), so wait for it, never assume.
    /// </summary>
    private async Task<List<JobChange>> SettledFeedAsync(long after = 0, IReadOnlyCollection<long>? ids = null)
    {
        List<JobChange> feed = [];
        await Signal.Until(() =>
        {
            var current = Store.QueryAsync(new JobQuery { Limit = 1000 }).GetAwaiter().GetResult().Jobs.ToDictionary(j => j.Id);
            feed = FeedAsync(after).GetAwaiter().GetResult();
            return feed.Select(c => c.Job.Id).Order().SequenceEqual((ids ?? current.Keys).Order())
                && feed.All(c => current.TryGetValue(c.Job.Id, out var now) && now == c.Job);
        }, what: "the change feed to show the jobs at their current state");
        return feed;
    }

    /// <summary>The sequence of <paramref name="job"/>'s latest change, once the feed shows it at its current state.</summary>
    private async Task<long> SequenceOfAsync(Job job)
    {
        JobChange? change = null;
        await Signal.Until(() =>
        {
            var now = Store.GetAsync(job.Id).GetAwaiter().GetResult();
            change = FeedAsync().GetAwaiter().GetResult().SingleOrDefault(c => c.Job.Id == job.Id);
            return change is not null && change.Job == now;
        }, what: $"the change feed to show job {job.Id} at its current state");
        return change!.Sequence;
    }

    [Fact]
    public async Task The_feed_lists_each_job_once_at_its_latest_state_in_sequence_order()
    {
        var ids = (await Store.EnqueueAsync([New(), New(), New(), New(delay: TimeSpan.FromHours(1))])).Select(r => r.Job.Id).ToArray();
        await Lease(limit: 2);
        await Store.CompleteAsync([new JobCompletion(ids[0], "w1", CompletionKind.Succeeded, Result: "42")]);
        await Store.ReportProgressAsync(ids[1], "w1", 50, "half");
        await Store.CancelAsync(ids[2]);

        var feed = await SettledFeedAsync();

        Assert.Equal(4, feed.Count);
        Assert.Equal(ids.Order(), feed.Select(c => c.Job.Id).Order());
        Assert.Equal(feed.Select(c => c.Sequence).Order(), feed.Select(c => c.Sequence));
        Assert.Equal(4, feed.Select(c => c.Sequence).Distinct().Count());
        // The later a job's latest change, the later it comes: the scheduled job (only enqueued), then the two leased ones.
        Assert.Equal([ids[3], ids[0], ids[1], ids[2]], feed.Select(c => c.Job.Id));
        Assert.Equal([JobState.Scheduled, JobState.Succeeded, JobState.Running, JobState.Cancelled], feed.Select(c => c.Job.State));
        Assert.Equal("42", feed[1].Job.Result);
        Assert.Equal((50.0, "half"), (feed[2].Job.ProgressPercent!.Value, feed[2].Job.ProgressMessage));
        Assert.Equal(feed[^1].Sequence, await Store.LatestChangeAsync());
    }

    [Fact]
    public async Task An_empty_store_has_no_changes()
    {
        Assert.Equal(0, await Store.LatestChangeAsync());
        Assert.Empty(await Store.ReadChangesAsync(0, 10));
    }

    [Fact]
    public async Task Every_state_changing_write_moves_the_job_to_a_later_sequence()
    {
        var job = await EnqueueOne(New(maxAttempts: 1));
        var other = await EnqueueOne(New(queue: "other"));
        var sequences = new List<long> { await SequenceOfAsync(job) };
        async Task Step(Func<Task> write)
        {
            await write();
            sequences.Add(await SequenceOfAsync(job));
        }

        await Step(() => Lease(lease: TimeSpan.FromSeconds(10)));
        await Step(() => Store.ReportProgressAsync(job.Id, "w1", 10, null));
        await Step(() => Store.CancelAsync(job.Id)); // asked while running
        await Step(() => Store.CompleteAsync([new JobCompletion(job.Id, "w1", CompletionKind.Released)])); // ends cancelled
        await Step(() => Store.RetryAsync(job.Id));
        await Step(() => Lease(lease: TimeSpan.FromSeconds(10)));
        await Step(() => Store.CompleteAsync([new JobCompletion(job.Id, "w1", CompletionKind.Retry, Error: new JobError("E", "m", null), RetryAt: Now)]));
        await Step(() => Lease(lease: TimeSpan.FromSeconds(10)));
        await Step(async () => { Clock.Advance(TimeSpan.FromSeconds(11)); await Store.RescueExpiredAsync(); });
        Assert.Equal(JobState.Dead, (await Store.GetAsync(job.Id))!.State);
        await Step(() => Store.RetryAsync(job.Id));
        await Step(() => Store.CancelAsync(job.Id)); // queued: cancelled at once
        await Step(() => Store.RetryAsync(job.Id));
        await Step(() => Lease());
        await Step(() => Store.CompleteAsync([new JobCompletion(job.Id, "w1", CompletionKind.Dead, Error: new JobError("E", "m", null))]));
        await Step(() => Store.RetryAsync(job.Id));
        await Step(() => Lease());
        await Step(() => Store.CompleteAsync([new JobCompletion(job.Id, "w1", CompletionKind.Cancelled)]));

        for (var i = 1; i < sequences.Count; i++)
            Assert.True(sequences[i] > sequences[i - 1], $"step {i}: sequence {sequences[i]} is not after {sequences[i - 1]}");
        // The job that nothing touched keeps its sequence; and a read after it shows only the job that changed.
        var feed = await SettledFeedAsync();
        Assert.Equal([other.Id, job.Id], feed.Select(c => c.Job.Id));
        Assert.Equal(sequences[^1], feed[^1].Sequence);
    }

    [Fact]
    public async Task A_write_that_changes_nothing_moves_no_sequence()
    {
        var job = await EnqueueOne(New());
        var before = await SequenceOfAsync(job);

        await Store.ReportProgressAsync(job.Id, "not-the-owner", 50, null);
        await Store.CompleteAsync([new JobCompletion(job.Id, "w1", CompletionKind.Succeeded)]); // not leased: ignored
        await Store.RenewLeasesAsync("w1", [job.Id], TimeSpan.FromSeconds(30));

        Assert.Equal(before, await SequenceOfAsync(job));
    }

    [Fact]
    public async Task Reading_after_a_sequence_resumes_there_page_by_page()
    {
        var ids = (await Store.EnqueueAsync(Enumerable.Range(0, 10).Select(_ => New()).ToList())).Select(r => r.Job.Id).ToList();
        var all = await SettledFeedAsync();
        Assert.Equal(ids, all.Select(c => c.Job.Id));

        var paged = await FeedAsync(page: 3);
        Assert.Equal(all, paged);
        Assert.Equal(all.Skip(4), await FeedAsync(after: all[3].Sequence));

        var cursor = all[^1].Sequence;
        Assert.Empty(await Store.ReadChangesAsync(cursor, 10));
        await Store.CancelAsync(ids[2]);
        await Store.CancelAsync(ids[7]);

        var later = await SettledFeedAsync(after: cursor, ids: [ids[2], ids[7]]);
        Assert.Equal([ids[2], ids[7]], later.Select(c => c.Job.Id));
        Assert.All(later, c => Assert.Equal(JobState.Cancelled, c.Job.State));
        Assert.All(later, c => Assert.True(c.Sequence > cursor));
    }

    [Fact]
    public async Task A_purged_job_leaves_the_feed_and_its_sequence_is_never_handed_out_again()
    {
        var job = await EnqueueOne(New());
        await Lease();
        await Store.CompleteAsync([new JobCompletion(job.Id, "w1", CompletionKind.Succeeded)]);
        var finished = await SequenceOfAsync(job);
        Clock.Advance(TimeSpan.FromHours(2));

        Assert.Equal(1, await Store.PurgeAsync(Now - TimeSpan.FromHours(1)));
        Assert.Empty(await FeedAsync());
        var next = await EnqueueOne(New());

        Assert.True(await SequenceOfAsync(next) > finished);
        Assert.Equal([next.Id], (await FeedAsync()).Select(c => c.Job.Id));
    }

    [Fact]
    public async Task Bad_read_limits_are_refused_with_the_rule()
    {
        var low = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ReadChangesAsync(0, 0));
        var high = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ReadChangesAsync(0, 10_001));
        Assert.Equal(("limit", "limit"), (low.ParamName, high.ParamName));
        Assert.Contains("1 to 10,000", low.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changed_is_raised_after_a_write_that_changed_jobs()
    {
        var raised = 0;
        var signal = new SemaphoreSlim(0);
        Store.Changed += () => { Interlocked.Increment(ref raised); signal.Release(); };

        var job = await EnqueueOne(New());
        Assert.True(await signal.WaitAsync(Signal.Patience));
        await Lease();
        Assert.True(await signal.WaitAsync(Signal.Patience));
        await Store.CompleteAsync([new JobCompletion(job.Id, "w1", CompletionKind.Succeeded)]);
        Assert.True(await signal.WaitAsync(Signal.Patience));

        // Writes that change nothing raise nothing; the next real write is the next event.
        await Store.CompleteAsync([new JobCompletion(job.Id, "w1", CompletionKind.Succeeded)]);
        await Store.CancelAsync(999_999);
        await EnqueueOne(New());
        Assert.True(await signal.WaitAsync(Signal.Patience));
        Assert.Equal(4, Volatile.Read(ref raised));
    }

    [Fact]
    public async Task Concurrent_writers_never_make_a_reader_skip_a_committed_change()
    {
        // Writers on several store instances (as several processes) enqueue, lease and complete at once while a reader follows
        // the feed from its last sequence. A change that committed below a sequence the reader had passed would be lost to it:
        // the reader would end with some job short of its final state.
        var stores = new List<IJobStore> { Store };
        for (var i = 0; i < 3; i++)
        {
            var other = await OpenSameStoreAsync(Store, Clock);
            _stores.Add(other);
            stores.Add(other);
        }
        const int rounds = 40;
        var writers = Enumerable.Range(0, 8).Select(n => Task.Run(async () =>
        {
            var store = stores[n % stores.Count];
            for (var round = 0; round < rounds; round++)
            {
                var queue = $"q{n}";
                await store.EnqueueAsync([new NewJob("k", queue, "{}", 0, null, 3), new NewJob("k", queue, "{}", 0, null, 3)]);
                var leased = await store.LeaseAsync(new LeaseRequest($"w{n}", [queue], 2, TimeSpan.FromMinutes(5)));
                await store.CompleteAsync(leased.Select(j => new JobCompletion(j.Id, $"w{n}", round % 3 == 0 ? CompletionKind.Dead : CompletionKind.Succeeded,
                    Error: new JobError("E", "m", null))).ToList());
            }
        })).ToList();
        var writing = Task.WhenAll(writers);

        var seen = new Dictionary<long, Job>();
        var cursor = 0L;
        async Task<bool> FollowAsync()
        {
            var changes = await stores[1].ReadChangesAsync(cursor, 50);
            foreach (var change in changes)
            {
                Assert.True(change.Sequence > cursor, $"sequence {change.Sequence} came after {cursor}");
                cursor = change.Sequence;
                seen[change.Job.Id] = change.Job;
            }
            return changes.Count > 0;
        }
        while (!writing.IsCompleted)
            await FollowAsync();
        await writing.Within(TimeSpan.FromMinutes(2));

        const int total = 8 * rounds * 2;
        await Signal.Until(() =>
        {
            while (FollowAsync().GetAwaiter().GetResult()) { }
            return seen.Count == total && seen.Values.All(j => j.IsFinished);
        }, what: "the reader to see every job finished");
        var stored = (await Store.QueryAsync(new JobQuery { Limit = 1000 })).Jobs;
        Assert.Equal(total, stored.Count);
        Assert.All(stored, j => Assert.Equal(j, seen[j.Id]));
    }
}
