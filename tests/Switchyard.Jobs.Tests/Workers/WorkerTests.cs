using Switchyard.Jobs.Scheduling;
using Switchyard.Jobs.Store;
using Switchyard.Testing;

namespace Switchyard.Jobs.Tests.Workers;

public sealed class WorkerTests
{
    private sealed record Numbers(int A, int B);

    private static JobHandlers Handlers(Func<Numbers, JobContext, CancellationToken, ValueTask<object?>> run, HandlerOptions? options = null) =>
        new JobHandlers().Add("add", run, options);

    [Fact]
    public async Task Runs_a_job_woken_by_the_enqueue_and_stores_its_result_and_progress()
    {
        await using var f = new WorkerFixture();
        await f.StartWorkerAsync(Handlers(async (p, ctx, ct) =>
        {
            await ctx.ReportProgressAsync(50, "adding", ct);
            return new { sum = p.A + p.B, attempt = ctx.Job.Attempt };
        }));

        // No clock advance: the worker must wake on the enqueue, not on its poll.
        var job = (await f.Client.EnqueueAsync("add", new Numbers(2, 3))).Job;

        var done = await f.WaitForAsync(job.Id, JobState.Succeeded);
        Assert.Equal("""{"sum":5,"attempt":1}""", done.Result);
        Assert.Equal((100d, "adding"), (done.ProgressPercent!.Value, done.ProgressMessage));
        Assert.Null(done.LeaseOwner);
    }

    [Fact]
    public async Task A_failure_is_retried_after_the_default_backoff_with_seeded_jitter()
    {
        await using var f = new WorkerFixture();
        var calls = 0;
        await f.StartWorkerAsync(Handlers((p, ctx, ct) =>
            Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException("flaky") : ValueTask.FromResult<object?>("ok")));
        var enqueuedAt = f.Clock.GetUtcNow();

        var job = (await f.Client.EnqueueAsync("add", new Numbers(1, 1))).Job;
        var retrying = await f.WaitForAsync(job.Id, JobState.Retrying);

        var expected = RetryBackoff.Default(1, new Random(42));
        Assert.Equal(enqueuedAt + expected, retrying.RunAt);
        Assert.InRange(expected, TimeSpan.FromSeconds(16), TimeSpan.FromSeconds(36));
        Assert.Equal(("System.InvalidOperationException", "flaky"), (retrying.LastError!.Type, retrying.LastError.Message));
        Assert.Contains("WorkerTests", retrying.LastError.StackTrace, StringComparison.Ordinal);

        f.Clock.Advance(expected);
        var done = await f.WaitForAsync(job.Id, JobState.Succeeded);
        Assert.Equal(2, done.Attempt);
    }

    [Fact]
    public void The_default_backoff_is_attempt_to_the_fourth_plus_15_s_plus_bounded_jitter()
    {
        var random = new Random(1);
        foreach (var attempt in new[] { 1, 2, 5, 10, 19 })
        {
            var wait = RetryBackoff.Default(attempt, random).TotalSeconds;
            var floor = Math.Pow(attempt, 4) + 15;
            Assert.InRange(wait, floor, floor + 10 * (attempt + 1));
        }
    }

    [Fact]
    public async Task An_exhausted_job_goes_to_dead_and_a_per_kind_backoff_overrides_the_default()
    {
        await using var f = new WorkerFixture();
        await f.StartWorkerAsync(Handlers((p, ctx, ct) => throw new TimeoutException($"attempt {ctx.Job.Attempt}"),
            new HandlerOptions { Backoff = attempt => TimeSpan.FromSeconds(attempt) }));

        var job = (await f.Client.EnqueueAsync("add", new Numbers(1, 1), new JobOptions { MaxAttempts = 3 })).Job;
        var first = await f.WaitForAsync(job.Id, JobState.Retrying);
        Assert.Equal(f.Clock.GetUtcNow() + TimeSpan.FromSeconds(1), first.RunAt);
        f.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await f.WaitForAsync(job.Id, j => j.State == JobState.Retrying && j.Attempt == 2, "the second retry");
        Assert.Equal(f.Clock.GetUtcNow() + TimeSpan.FromSeconds(2), second.RunAt);
        f.Clock.Advance(TimeSpan.FromSeconds(2));

        var dead = await f.WaitForAsync(job.Id, JobState.Dead);
        Assert.Equal((3, "attempt 3"), (dead.Attempt, dead.LastError!.Message));
        Assert.NotNull(dead.FinishedAt);
    }

    [Fact]
    public async Task A_permanent_error_or_a_malformed_payload_goes_to_dead_at_once()
    {
        await using var f = new WorkerFixture();
        await f.StartWorkerAsync(Handlers((p, ctx, ct) => throw new PermanentJobException("no such account")));

        var permanent = (await f.Client.EnqueueAsync("add", new Numbers(1, 1))).Job;
        // The client here knows no handlers, so only the worker can judge this payload.
        var malformed = (await f.Client.EnqueueAsync("add", """{"a":"not a number"}""")).Job;

        Assert.Equal((1, "no such account"), await Pick(f.WaitForAsync(permanent.Id, JobState.Dead), j => (j.Attempt, j.LastError!.Message)));
        Assert.Contains("payload", (await f.WaitForAsync(malformed.Id, JobState.Dead)).LastError!.Message, StringComparison.Ordinal);
    }

    private static async Task<T> Pick<T>(Task<Job> job, Func<Job, T> field) => field(await job);

    [Fact]
    public async Task An_unknown_kind_fails_the_attempt_and_is_retried_later()
    {
        await using var f = new WorkerFixture();
        await f.StartWorkerAsync(Handlers((p, ctx, ct) => ValueTask.FromResult<object?>(null)));

        var job = (await f.Client.EnqueueAsync("nobody-handles-this", "{}")).Job;
        // The enqueue wakes the worker for its queue; the kind is only known when the job is leased.
        var failed = await f.WaitForAsync(job.Id, JobState.Retrying);
        Assert.Contains("No handler is registered for kind 'nobody-handles-this'", failed.LastError!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_a_running_job_fires_its_token_at_the_next_heartbeat()
    {
        await using var f = new WorkerFixture();
        var started = new TaskCompletionSource();
        await f.StartWorkerAsync(Handlers(async (p, ctx, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return null;
        }), new WorkerOptions { LeaseDuration = TimeSpan.FromSeconds(30) });

        var job = (await f.Client.EnqueueAsync("add", new Numbers(1, 1))).Job;
        await started.Task.Within();
        Assert.Equal(CancelOutcome.Requested, await f.Client.CancelAsync(job.Id));
        f.Clock.Advance(TimeSpan.FromSeconds(10));

        var cancelled = await f.WaitForAsync(job.Id, JobState.Cancelled);
        Assert.NotNull(cancelled.FinishedAt);
    }

    [Fact]
    public async Task Heartbeats_keep_a_long_job_leased_past_its_first_lease()
    {
        await using var f = new WorkerFixture();
        var started = new TaskCompletionSource();
        var finish = new TaskCompletionSource();
        await f.StartWorkerAsync(Handlers(async (p, ctx, ct) =>
        {
            started.TrySetResult();
            await finish.Task.WaitAsync(ct);
            return "done";
        }), new WorkerOptions { LeaseDuration = TimeSpan.FromSeconds(30) });
        var job = (await f.Client.EnqueueAsync("add", new Numbers(1, 1))).Job;
        await started.Task.Within();

        for (var i = 1; i <= 12; i++)
        {
            f.Clock.Advance(TimeSpan.FromSeconds(10));
            var now = f.Clock.GetUtcNow();
            await f.WaitForAsync(job.Id, j => j.LeaseExpiresAt == now + TimeSpan.FromSeconds(30), $"the lease renewed at {now:T}");
        }
        Assert.Equal(0, await f.Store.RescueExpiredAsync());
        finish.SetResult();
        Assert.Equal(1, (await f.WaitForAsync(job.Id, JobState.Succeeded)).Attempt);
    }

    [Fact]
    public async Task A_worker_registers_at_start_reports_its_running_jobs_each_heartbeat_and_leaves_on_stop()
    {
        await using var f = new WorkerFixture();
        var started = new TaskCompletionSource();
        var finish = new TaskCompletionSource();
        var worker = await f.StartWorkerAsync(Handlers(async (p, ctx, ct) =>
        {
            started.TrySetResult();
            await finish.Task.WaitAsync(ct);
            return "done";
        }), new WorkerOptions { Queues = ["default", "mail"], Concurrency = 3, LeaseDuration = TimeSpan.FromSeconds(30) });
        var startedAt = f.Clock.GetUtcNow();

        WorkerInfo? seen = null;
        await Signal.Until(() => (seen = f.Store.ListWorkersAsync(startedAt).GetAwaiter().GetResult().SingleOrDefault()) is not null,
            what: "the worker's first heartbeat");
        Assert.Equal((worker.Id, Environment.MachineName, Environment.ProcessId, "default,mail", 6, 0, startedAt, startedAt),
            (seen!.Id, seen.Host, seen.ProcessId, string.Join(",", seen.Queues), seen.Concurrency, seen.Running, seen.StartedAt, seen.LastSeenAt));

        await f.Client.EnqueueAsync("add", new Numbers(1, 1));
        await started.Task.Within();
        f.Clock.Advance(TimeSpan.FromSeconds(10));
        var tick = f.Clock.GetUtcNow();
        await Signal.Until(() => f.Store.ListWorkersAsync(tick).GetAwaiter().GetResult().SingleOrDefault() is { Running: 1 },
            what: "the heartbeat that reports the running job");

        finish.SetResult();
        await worker.StopAsync().Within();
        Assert.Empty(await f.Store.ListWorkersAsync(startedAt));
    }

    [Fact]
    public async Task A_dead_workers_job_comes_back_when_its_lease_lapses()
    {
        await using var f = new WorkerFixture();
        var job = (await f.Client.EnqueueAsync("add", new Numbers(4, 5))).Job;
        // A worker that leased the job and then died: nobody renews its lease.
        Assert.Single(await f.Store.LeaseAsync(new LeaseRequest("crashed-worker", [], 10, TimeSpan.FromSeconds(30))));
        await f.StartWorkerAsync(Handlers((p, ctx, ct) => ValueTask.FromResult<object?>(p.A + p.B)),
            new WorkerOptions { LeaseDuration = TimeSpan.FromSeconds(30) });

        f.Clock.Advance(TimeSpan.FromSeconds(31)); // past the lease: the next rescue (every 15 s) returns it
        f.Clock.Advance(TimeSpan.FromSeconds(15));

        var done = await f.WaitForAsync(job.Id, JobState.Succeeded);
        Assert.Equal(("9", 2), (done.Result, done.Attempt));
    }

    [Fact]
    public async Task A_queue_never_runs_more_jobs_at_once_than_its_limit()
    {
        await using var f = new WorkerFixture();
        var running = 0;
        var peak = 0;
        var release = new TaskCompletionSource();
        await f.StartWorkerAsync(Handlers(async (p, ctx, ct) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await release.Task.WaitAsync(ct);
            Interlocked.Decrement(ref running);
            return null;
        }), new WorkerOptions { Queues = ["slow"], Concurrency = 3 });

        var jobs = await f.Client.EnqueueManyAsync(Enumerable.Range(0, 10)
            .Select(i => new JobRequest("add", """{"a":1,"b":2}""", new JobOptions { Queue = "slow" })).ToList());
        await Signal.Until(() => Volatile.Read(ref running) == 3, what: "three jobs running");
        Assert.Equal(3, (await f.Client.QueryAsync(new JobQuery { States = [JobState.Running] })).Jobs.Count);

        release.SetResult();
        foreach (var job in jobs) await f.WaitForAsync(job.Job.Id, JobState.Succeeded);
        Assert.Equal(3, peak);
    }

    [Fact]
    public async Task Each_queue_has_its_own_limit_and_other_queues_are_left_alone()
    {
        await using var f = new WorkerFixture();
        var release = new TaskCompletionSource();
        var started = new System.Collections.Concurrent.ConcurrentBag<string>();
        await f.StartWorkerAsync(Handlers(async (p, ctx, ct) =>
        {
            started.Add(ctx.Job.Queue);
            await release.Task.WaitAsync(ct);
            return null;
        }), new WorkerOptions { Queues = ["a", "b"], Concurrency = 1, QueueConcurrency = new Dictionary<string, int> { ["b"] = 2 } });

        try
        {
            foreach (var queue in new[] { "a", "a", "b", "b", "b", "c" })
                await f.Client.EnqueueAsync("add", new Numbers(1, 1), new JobOptions { Queue = queue });
            await Signal.Until(() => started.Count == 3, what: "a's one slot and b's two slots to fill");

            Assert.Equal(["a", "b", "b"], started.Order());
            var running = (await f.Client.QueryAsync(new JobQuery { States = [JobState.Running] })).Jobs;
            Assert.Equal(3, running.Count);
            Assert.Equal(JobState.Available, Assert.Single((await f.Client.QueryAsync(new JobQuery { Queue = "c" })).Jobs).State);
        }
        finally
        {
            release.TrySetResult();
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }

    [Fact]
    public async Task Handlers_run_on_the_lane_they_declare()
    {
        await using var f = new WorkerFixture();
        var handlers = new JobHandlers()
            .Add<Numbers>("cpu", (p, ctx, ct) => ValueTask.FromResult<object?>(Thread.CurrentThread.Name), new HandlerOptions { Lane = LaneKind.Cpu })
            .Add<Numbers>("process", (p, ctx, ct) => ValueTask.FromResult<object?>(Thread.CurrentThread.Name), new HandlerOptions { Lane = LaneKind.Process })
            .Add<Numbers>("io", (p, ctx, ct) => ValueTask.FromResult<object?>(Thread.CurrentThread.IsThreadPoolThread), new HandlerOptions { Lane = LaneKind.Io });
        await f.StartWorkerAsync(handlers);

        var cpu = (await f.Client.EnqueueAsync("cpu", new Numbers(1, 1))).Job;
        var process = (await f.Client.EnqueueAsync("process", new Numbers(1, 1))).Job;
        var io = (await f.Client.EnqueueAsync("io", new Numbers(1, 1))).Job;

        Assert.StartsWith("\"switchyard-jobs-cpu", (await f.WaitForAsync(cpu.Id, JobState.Succeeded)).Result, StringComparison.Ordinal);
        Assert.StartsWith("\"switchyard-jobs-cpu", (await f.WaitForAsync(process.Id, JobState.Succeeded)).Result, StringComparison.Ordinal);
        Assert.Equal("true", (await f.WaitForAsync(io.Id, JobState.Succeeded)).Result);
    }

    [Fact]
    public async Task Graceful_stop_finishes_quick_jobs_then_cancels_and_releases_the_rest_at_once()
    {
        await using var f = new WorkerFixture();
        var quickRelease = new TaskCompletionSource();
        var stuckStarted = new TaskCompletionSource();
        var quickStarted = new TaskCompletionSource();
        var handlers = new JobHandlers()
            .Add<Numbers>("quick", async (p, ctx, ct) => { quickStarted.TrySetResult(); await quickRelease.Task; return "finished"; })
            // Ignores its token: the lease is released anyway.
            .Add<Numbers>("stuck", async (p, ctx, ct) => { stuckStarted.TrySetResult(); await Task.Delay(Timeout.Infinite, CancellationToken.None); return null; });
        var worker = await f.StartWorkerAsync(handlers, new WorkerOptions { ShutdownGrace = TimeSpan.FromSeconds(10) });
        var quick = (await f.Client.EnqueueAsync("quick", new Numbers(1, 1))).Job;
        var stuck = (await f.Client.EnqueueAsync("stuck", new Numbers(1, 1))).Job;
        await quickStarted.Task.Within();
        await stuckStarted.Task.Within();

        var stopping = worker.StopAsync();
        quickRelease.SetResult();
        await f.WaitForAsync(quick.Id, JobState.Succeeded);
        Assert.False(stopping.IsCompleted); // the stuck job holds it for the grace period
        // Move virtual time on until the grace period (10 s) has passed and the stop completes.
        await Signal.Until(() => { f.Clock.Advance(TimeSpan.FromSeconds(1)); return stopping.IsCompleted; }, what: "the stop");
        await stopping;

        var released = (await f.Store.GetAsync(stuck.Id))!;
        Assert.Equal((JobState.Available, 0, (string?)null), (released.State, released.Attempt, released.LeaseOwner));
        Assert.Equal(1, worker.Statistics().Released);
        var late = (await f.Client.EnqueueAsync("quick", new Numbers(1, 1))).Job;
        Assert.Equal(JobState.Available, (await f.Store.GetAsync(late.Id))!.State); // a stopped worker leases nothing
    }

    [Fact]
    public async Task Stop_and_dispose_at_once_share_one_graceful_stop()
    {
        // A web host stops its hosted worker while its owner disposes it: both wait for the one stop.
        await using var f = new WorkerFixture();
        var release = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        var handlers = new JobHandlers().Add<Numbers>("slow", async (p, ctx, ct) => { started.TrySetResult(); await release.Task; return "done"; });
        var worker = await f.StartWorkerAsync(handlers, new WorkerOptions { ShutdownGrace = TimeSpan.FromSeconds(10) });
        var job = (await f.Client.EnqueueAsync("slow", new Numbers(1, 1))).Job;
        await started.Task.Within();

        var stopping = worker.StopAsync();
        var disposing = worker.DisposeAsync().AsTask();
        Assert.Same(stopping, worker.StopAsync());
        Assert.False(disposing.IsCompleted); // the running job holds both
        release.SetResult();
        await stopping.Within();
        await disposing.Within();
        Assert.Equal(JobState.Succeeded, (await f.Store.GetAsync(job.Id))!.State);
    }

    [Fact]
    public async Task Recurring_jobs_are_enqueued_once_per_time_however_many_workers_run()
    {
        await using var f = new WorkerFixture();
        var ran = 0;
        var handlers = Handlers((p, ctx, ct) => { Interlocked.Increment(ref ran); return ValueTask.FromResult<object?>(null); });
        var recurring = new RecurringJob("tick", "*/5 * * * *", "add", """{"a":1,"b":1}""");
        for (var i = 0; i < 3; i++)
            await f.StartWorkerAsync(handlers, new WorkerOptions { Recurring = [recurring] });
        await Signal.Until(() => f.Clock.ArmedTimers >= 3 * 4, what: "every worker's timers"); // poll, heartbeat, rescue, schedule

        f.Clock.Advance(TimeSpan.FromMinutes(5));
        // Wait for the stored success before jumping on: a 5-minute jump over a still-held 30 s lease would
        // (rightly) let a rescue run the job again.
        await Signal.Until(() => Succeeded() == 1, what: "the first occurrence to succeed");
        f.Clock.Advance(TimeSpan.FromMinutes(5));
        await Signal.Until(() => Succeeded() == 2, what: "the second occurrence to succeed");

        int Succeeded() => f.Client.QueryAsync(new JobQuery { States = [JobState.Succeeded] }).GetAwaiter().GetResult().Jobs.Count;

        var jobs = (await f.Client.QueryAsync(new JobQuery { Kind = "add" })).Jobs;
        Assert.Equal(2, jobs.Count);
        var start = new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal([$"recurring:tick:{start.AddMinutes(10).ToUnixTimeSeconds()}", $"recurring:tick:{start.AddMinutes(5).ToUnixTimeSeconds()}"],
            jobs.Select(j => j.IdempotencyKey));
        Assert.Equal(2, ran);
    }
}
