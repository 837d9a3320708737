using Switchyard.Jobs.Handlers;
using Switchyard.Jobs.Handlers.Shell;
using Switchyard.Jobs.Store;
using Switchyard.Jobs.Tests.Workers;

namespace Switchyard.Jobs.Tests;

public sealed class JobClientTests
{
    [Theory]
    [InlineData("nope", """{"argv":["true"]}""", null, "kind", "no handler is registered for 'nope' (known: http, shell)")]
    [InlineData("shell", """{"argv":["true"]""", null, "payload", "is not valid JSON")]
    [InlineData("shell", """{"argv":[]}""", null, "argv", "non-empty array")]
    [InlineData("shell", """["true"]""", null, "payload", "not a valid 'shell' payload")]
    [InlineData("shell", """{"argv":["true"]}""", -1.0, "delay", "must not be negative")]
    [InlineData("http", """{"url":"nope"}""", null, "url", "absolute http or https URL")]
    public async Task Bad_input_is_refused_with_the_field_and_rule_and_nothing_is_stored(string kind, string payload, double? delaySeconds, string field, string rule)
    {
        await using var f = new WorkerFixture();
        var client = new JobClient(f.Store, new JobClientOptions { Handlers = new JobHandlers().AddBuiltIn() });

        var error = await Assert.ThrowsAsync<JobValidationException>(() => client.EnqueueAsync(kind, payload,
            new JobOptions { Delay = delaySeconds is { } d ? TimeSpan.FromSeconds(d) : null }));

        Assert.Equal(field, error.Field);
        Assert.Contains(rule, error.Message, StringComparison.Ordinal);
        Assert.StartsWith(field + ": ", error.Message, StringComparison.Ordinal);
        Assert.Empty((await f.Store.QueryAsync(new JobQuery())).Jobs);
    }

    [Fact]
    public async Task A_payload_over_the_limit_is_refused()
    {
        await using var f = new WorkerFixture();
        var client = new JobClient(f.Store, new JobClientOptions { MaxPayloadBytes = 1000 });
        var big = $$"""{"data":"{{new string('x', 1000)}}"}""";

        var error = await Assert.ThrowsAsync<JobValidationException>(() => client.EnqueueAsync("any", big));

        Assert.Equal("payload: is 1011 bytes; the limit is 1000 bytes.", error.Message);
        Assert.Empty((await f.Store.QueryAsync(new JobQuery())).Jobs);
    }

    [Theory]
    [InlineData("", null, null, "queue")]
    [InlineData("a b", null, null, "queue")]
    [InlineData("ok", 0, null, "maxAttempts")]
    [InlineData("ok", null, "", "key")]
    public async Task Bad_options_are_refused(string queue, int? maxAttempts, string? key, string field)
    {
        await using var f = new WorkerFixture();
        var error = await Assert.ThrowsAsync<JobValidationException>(() =>
            f.Client.EnqueueAsync("any", "{}", new JobOptions { Queue = queue, MaxAttempts = maxAttempts, IdempotencyKey = key }));
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public async Task One_bad_job_in_a_batch_stores_none_and_names_its_index()
    {
        await using var f = new WorkerFixture();
        var error = await Assert.ThrowsAsync<JobValidationException>(() => f.Client.EnqueueManyAsync([
            new JobRequest("a", "{}"), new JobRequest("a", "{}"), new JobRequest("a", "{not json"),
        ]));
        Assert.StartsWith("job 2: payload: is not valid JSON", error.Message, StringComparison.Ordinal);
        Assert.Empty((await f.Store.QueryAsync(new JobQuery())).Jobs);
    }

    [Fact]
    public async Task Defaults_come_from_the_handler_then_the_client()
    {
        await using var f = new WorkerFixture();
        var handlers = new JobHandlers().Add<object>("few", (p, c, ct) => ValueTask.FromResult<object?>(null), new HandlerOptions { MaxAttempts = 2 });
        var client = new JobClient(f.Store, new JobClientOptions { Handlers = handlers, TimeProvider = f.Clock });

        var few = (await client.EnqueueAsync("few", "{}")).Job;
        var delayed = (await client.EnqueueAsync("few", "{}", new JobOptions { Delay = TimeSpan.FromMinutes(1), MaxAttempts = 9, Queue = "q.1", Priority = -3 })).Job;

        Assert.Equal(("default", 2, 0, JobState.Available), (few.Queue, few.MaxAttempts, few.Priority, few.State));
        Assert.Equal(("q.1", 9, -3, JobState.Scheduled, f.Clock.GetUtcNow().AddMinutes(1)),
            (delayed.Queue, delayed.MaxAttempts, delayed.Priority, delayed.State, delayed.RunAt));
    }

    [Fact]
    public async Task Purge_removes_jobs_finished_longer_ago_than_the_age()
    {
        await using var f = new WorkerFixture();
        var job = (await f.Client.EnqueueAsync("k", "{}")).Job;
        await f.Client.CancelAsync(job.Id);
        f.Clock.Advance(TimeSpan.FromDays(8));
        Assert.Equal(1, await f.Client.PurgeAsync(TimeSpan.FromDays(7)));
        Assert.Null(await f.Client.GetAsync(job.Id));
    }

    [Fact]
    public void The_shell_kind_constant_matches_the_handler()
    {
        Assert.Equal("shell", new ShellHandler().Kind);
    }
}
