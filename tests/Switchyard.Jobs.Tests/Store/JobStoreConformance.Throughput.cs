using Switchyard.Jobs.Store;

namespace Switchyard.Jobs.Tests.Store;

/// <summary>Throughput: <see cref="IJobStore.ThroughputAsync"/>.</summary>
public abstract partial class JobStoreConformance
{
    private async Task FinishAsync(CompletionKind kind)
    {
        var job = await EnqueueOne(New(queue: "t"));
        await Lease(queue: "t");
        await Store.CompleteAsync([new JobCompletion(job.Id, "w1", kind, Error: new JobError("E", "m", null))]);
    }

    private static object Shape(ThroughputBucket b) => (b.Start, b.Succeeded, b.Failed, b.Cancelled);

    [Fact]
    public async Task Throughput_counts_finished_jobs_by_outcome_in_buckets_up_to_now()
    {
        await FinishAsync(CompletionKind.Succeeded); // before since: not counted
        Clock.Advance(TimeSpan.FromSeconds(1));
        var since = Now;
        await FinishAsync(CompletionKind.Succeeded);
        await FinishAsync(CompletionKind.Succeeded);
        await FinishAsync(CompletionKind.Dead);
        Clock.Advance(TimeSpan.FromSeconds(59.5)); // still the first bucket
        await FinishAsync(CompletionKind.Cancelled);
        Clock.Advance(TimeSpan.FromSeconds(0.5)); // exactly the second bucket's start
        await FinishAsync(CompletionKind.Dead);
        Clock.Advance(TimeSpan.FromMinutes(2)); // the third bucket stays empty; the fourth holds a queued cancel
        await Store.CancelAsync((await EnqueueOne(New(queue: "t", delay: TimeSpan.FromHours(1)))).Id);
        await EnqueueOne(New(queue: "t")); // not finished: not counted
        var running = await EnqueueOne(New(queue: "t"));
        await Lease(queue: "t");
        Clock.Advance(TimeSpan.FromSeconds(30));

        var buckets = await Store.ThroughputAsync(since, TimeSpan.FromMinutes(1));

        Assert.Equal(
            [Shape(new ThroughputBucket(since, 2, 1, 1)), Shape(new ThroughputBucket(since.AddMinutes(1), 0, 1, 0)),
             Shape(new ThroughputBucket(since.AddMinutes(2), 0, 0, 0)), Shape(new ThroughputBucket(since.AddMinutes(3), 0, 0, 1))],
            buckets.Select(Shape));
        Assert.Equal(JobState.Running, (await Store.GetAsync(running.Id))!.State);
    }

    [Fact]
    public async Task A_retried_job_no_longer_counts_and_since_after_now_gives_no_buckets()
    {
        var since = Now;
        var job = await EnqueueOne(New(queue: "t"));
        await Lease(queue: "t");
        await Store.CompleteAsync([new JobCompletion(job.Id, "w1", CompletionKind.Dead, Error: new JobError("E", "m", null))]);
        Assert.Equal([Shape(new ThroughputBucket(since, 0, 1, 0))], (await Store.ThroughputAsync(since, TimeSpan.FromMinutes(5))).Select(Shape));

        await Store.RetryAsync(job.Id);

        Assert.Equal([Shape(new ThroughputBucket(since, 0, 0, 0))], (await Store.ThroughputAsync(since, TimeSpan.FromMinutes(5))).Select(Shape));
        Assert.Empty(await Store.ThroughputAsync(Now + TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task Bad_buckets_are_refused_with_the_rule()
    {
        var zero = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ThroughputAsync(Now, TimeSpan.Zero));
        Assert.Contains("bucket must be at least 1 ms", zero.Message, StringComparison.Ordinal);
        var many = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ThroughputAsync(Now - TimeSpan.FromDays(1), TimeSpan.FromSeconds(1)));
        Assert.Contains("at most 10,000", many.Message, StringComparison.Ordinal);
    }
}
