using System.Text.Json;
using Switchyard.Cli;
using Switchyard.Jobs.Sqlite;
using Switchyard.Jobs.Store;
using Switchyard.Testing;

namespace Switchyard.Jobs.Tests.Cli;

/// <summary>The queue commands, run in-process through <see cref="YardCli.RunAsync"/> against a real database file.</summary>
public sealed class YardJobCommandsTests : IDisposable
{
    private readonly TempDb _db = new();

    private async Task<(int Code, string Out, string Err)> Yard(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await YardCli.RunAsync([.. args, "--db", _db.Path], output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Submit_status_jobs_cancel_and_retry_work_together()
    {
        var submitted = await Yard("submit", "http", "--payload", """{"url":"http://127.0.0.1:9/"}""", "--queue", "web", "--priority", "5",
            "--delay", "1h", "--key", "k1", "--max-attempts", "3", "--json");
        Assert.Equal(0, submitted.Code);
        using var job = JsonDocument.Parse(submitted.Out);
        var id = job.RootElement.GetProperty("id").GetInt64();
        Assert.Equal(("web", 5, "scheduled", 3, "http://127.0.0.1:9/"), (job.RootElement.GetProperty("queue").GetString(),
            job.RootElement.GetProperty("priority").GetInt32(), job.RootElement.GetProperty("state").GetString(),
            job.RootElement.GetProperty("maxAttempts").GetInt32(), job.RootElement.GetProperty("payload").GetProperty("url").GetString()));

        var again = await Yard("submit", "http", "--payload", """{"url":"http://127.0.0.1:9/"}""", "--key", "k1");
        Assert.Equal($"{id}\tscheduled\t(existing job: same key)\n", again.Out);

        var status = await Yard("status", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("state     scheduled", status.Out, StringComparison.Ordinal);
        Assert.Contains("queue     web (priority 5)", status.Out, StringComparison.Ordinal);

        var listed = await Yard("jobs", "--state", "scheduled,available", "--queue", "web", "--kind", "http", "--search", "127.0.0.1", "--json");
        using (var list = JsonDocument.Parse(listed.Out))
            Assert.Equal([id], list.RootElement.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetInt64()));
        Assert.Contains("scheduled", (await Yard("jobs")).Out, StringComparison.Ordinal);
        Assert.Equal("""[{"queue":"web","state":"scheduled","count":1}]""" + "\n", (await Yard("jobs", "--counts", "--json")).Out);

        var idText = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal((0, $"{id}\tcancelled\n"), Pick(await Yard("cancel", idText)));
        Assert.Equal((0, $$"""{"id":{{id}},"outcome":"alreadyFinished"}""" + "\n"), Pick(await Yard("cancel", idText, "--json")));
        Assert.Equal((0, $"{id}\tavailable again\n"), Pick(await Yard("retry", idText)));
        Assert.Contains("state     available", (await Yard("status", idText)).Out, StringComparison.Ordinal);
        Assert.Equal(1, (await Yard("status", "424242")).Code);
        Assert.Equal(1, (await Yard("cancel", "424242")).Code);
    }

    private static (int, string) Pick((int Code, string Out, string Err) r) => (r.Code, r.Out);

    [Theory]
    [InlineData("--state", "bogus", "--state: 'bogus' is not a state")]
    [InlineData("--limit", "0", "--limit: must be 1 to 1000")]
    public async Task Bad_listing_options_are_refused(string option, string value, string message)
    {
        var result = await Yard("jobs", option, value);
        Assert.Equal(1, result.Code);
        Assert.Contains(message, result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Worker_runs_shell_jobs_from_the_allow_list_and_stops_on_its_token()
    {
        using var stop = new CancellationTokenSource();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var worker = YardCli.RunAsync(["worker", "--db", _db.Path, "--shell-allow", "echo", "--poll", "50ms"], output, error, stop.Token);

        var submitted = await Yard("submit", "shell", "--payload", """{"argv":["echo","from a job"]}""", "--json");
        using var doc = JsonDocument.Parse(submitted.Out);
        var id = doc.RootElement.GetProperty("id").GetInt64();
        await using (var store = SqliteJobStore.Open(new SqliteJobStoreOptions { Path = _db.Path }))
        {
            await Signal.Until(() => store.GetAsync(id).GetAwaiter().GetResult()?.State == JobState.Succeeded, what: "the shell job");
            Assert.Contains("\"stdout\":\"from a job\\n\"", (await store.GetAsync(id))!.Result, StringComparison.Ordinal);
        }

        await stop.CancelAsync();
        Assert.Equal(0, await worker.Within());
        Assert.Contains("worker stopped: 1 succeeded", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Worker_refuses_an_invalid_recurring_job_before_storing_anything()
    {
        var result = await Yard("worker", "--recurring", """{"name":"x","cron":"61 * * * *","kind":"shell","payload":{"argv":["true"]}}""");
        Assert.Equal(1, result.Code);
        Assert.Contains("cron: '61 * * * *' is not a valid cron expression: minute value 61 is outside 0-59.", result.Err, StringComparison.Ordinal);
        var unknown = await Yard("worker", "--recurring", """{"name":"x","cron":"* * * * *","kind":"nope","payload":{}}""");
        Assert.Contains("no handler is registered for 'nope'", unknown.Err, StringComparison.Ordinal);
        await AssertNothingStored();
    }

    private async Task AssertNothingStored()
    {
        if (!File.Exists(_db.Path)) return;
        await using var store = SqliteJobStore.Open(new SqliteJobStoreOptions { Path = _db.Path });
        Assert.Empty((await store.QueryAsync(new JobQuery())).Jobs);
    }

    [Theory]
    [InlineData("1h", 3600)]
    [InlineData("250ms", 0.25)]
    [InlineData("1.5m", 90)]
    [InlineData("2d", 172800)]
    [InlineData("10", 10)]
    public void Durations_read_units(string text, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), Switchyard.Cli.Commands.JobsCommandSupport.ParseDuration(text, "--delay"));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _db.Dispose();
    }
}
