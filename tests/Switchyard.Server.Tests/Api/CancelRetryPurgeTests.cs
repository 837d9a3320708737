using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Switchyard.Jobs;

namespace Switchyard.Server.Tests.Api;

public sealed class CancelRetryPurgeTests
{
    /// <summary>A handler that blocks until its token fires, reporting that it started and that the token fired.</summary>
    private sealed class Blocker
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource TokenFired { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask<object?> RunAsync(JsonElement payload, JobContext context, CancellationToken ct)
        {
            Started.TrySetResult();
            using var _ = ct.Register(() => TokenFired.TrySetResult());
            await Task.Delay(Timeout.Infinite, ct);
            return null;
        }
    }

    private static ServerHarness Start(Blocker? blocker = null, int workers = 2) =>
        ServerHarness.Start(db => new ServerOptions { Db = db, Workers = workers, LeaseDuration = TimeSpan.FromSeconds(1.5) }, handlers =>
        {
            var attempts = 0;
            handlers.AddEcho();
            handlers.Add<JsonElement>("flaky", (_, _, _) => Interlocked.Increment(ref attempts) == 1
                ? throw new PermanentJobException("first attempt fails for good")
                : ValueTask.FromResult<object?>(new { ok = true }));
            if (blocker is not null) handlers.Add<JsonElement>("block", blocker.RunAsync);
        });

    [Fact]
    public async Task Cancelling_a_queued_job_cancels_it_at_once()
    {
        await using var server = Start(workers: 0);
        var id = await server.SubmitAsync("echo", "{}", ""","delaySeconds":3600""");
        var answer = await server.PostJsonAsync($"/api/jobs/{id}/cancel", "");
        Assert.Equal("cancelled", answer.GetProperty("outcome").GetString());
        Assert.Equal("cancelled", answer.GetProperty("job").GetProperty("state").GetString());

        var again = await server.PostJsonAsync($"/api/jobs/{id}/cancel", "");
        Assert.Equal("alreadyFinished", again.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Cancelling_a_running_job_fires_its_handlers_token_and_ends_it_cancelled()
    {
        var blocker = new Blocker();
        await using var server = Start(blocker);
        var id = await server.SubmitAsync("block");
        await blocker.Started.Task.Within();

        var answer = await server.PostJsonAsync($"/api/jobs/{id}/cancel", "");
        Assert.Equal("requested", answer.GetProperty("outcome").GetString());
        Assert.True(answer.GetProperty("job").GetProperty("cancelRequested").GetBoolean());
        Assert.Equal("running", answer.GetProperty("job").GetProperty("state").GetString());

        await blocker.TokenFired.Task.Within();
        await server.WaitForStateAsync(id, JobState.Cancelled);
    }

    [Fact]
    public async Task Retrying_a_dead_job_runs_it_again()
    {
        await using var server = Start();
        var id = await server.SubmitAsync("flaky");
        var dead = await server.WaitForStateAsync(id, JobState.Dead);
        Assert.Equal("first attempt fails for good", dead.LastError?.Message);
        var shown = await server.GetJsonAsync($"/api/jobs/{id}");
        Assert.Equal("first attempt fails for good", shown.GetProperty("error").GetProperty("message").GetString());

        var answer = await server.PostJsonAsync($"/api/jobs/{id}/retry", "");
        Assert.Equal("retried", answer.GetProperty("outcome").GetString());
        var done = await server.WaitForStateAsync(id, JobState.Succeeded);
        Assert.Equal(2, done.Attempt);
    }

    [Fact]
    public async Task Retrying_a_running_job_changes_nothing()
    {
        var blocker = new Blocker();
        await using var server = Start(blocker);
        var id = await server.SubmitAsync("block");
        await blocker.Started.Task.Within();
        var answer = await server.PostJsonAsync($"/api/jobs/{id}/retry", "");
        Assert.Equal("running", answer.GetProperty("outcome").GetString());
        Assert.Equal("running", answer.GetProperty("job").GetProperty("state").GetString());
    }

    [Fact]
    public async Task Purge_deletes_finished_jobs_older_than_asked_and_keeps_the_rest()
    {
        await using var server = Start(workers: 0);
        var finished = await server.SubmitAsync("echo");
        var queued = await server.SubmitAsync("echo");
        await server.PostJsonAsync($"/api/jobs/{finished}/cancel", "");

        var byDefault = await server.PostJsonAsync("/api/jobs/purge", "");
        Assert.Equal(0, byDefault.GetProperty("purged").GetInt32());

        var purge = await server.PostJsonAsync("/api/jobs/purge", """{"olderThanSeconds":0}""");
        Assert.Equal(1, purge.GetProperty("purged").GetInt32());
        using var gone = await server.GetAsync($"/api/jobs/{finished}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("available", await server.StateAsync(queued));
    }
}
