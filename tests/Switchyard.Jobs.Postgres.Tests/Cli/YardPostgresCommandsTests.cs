using System.Text.Json;
using Npgsql;
using Switchyard.Cli;
using Switchyard.Testing;

namespace Switchyard.Jobs.Postgres.Tests.Cli;

/// <summary>The queue commands with <c>--db</c> naming PostgreSQL, as a connection string and as a URL, run in-process.</summary>
public sealed class YardPostgresCommandsTests : IAsyncLifetime
{
    private readonly string _schema = TestPostgres.NewSchema();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestPostgres.DropSchemaAsync(_schema);

    private string ConnectionString => TestPostgres.ConnectionString + $";Search Path={_schema}";

    private string Url
    {
        get
        {
            var b = new NpgsqlConnectionStringBuilder(TestPostgres.ConnectionString);
            return $"postgres://{Uri.EscapeDataString(b.Username ?? "postgres")}@{b.Host}:{b.Port}/{b.Database}?Search%20Path={_schema}";
        }
    }

    private static async Task<(int Code, string Out, string Err)> Yard(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await YardCli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Submit_status_jobs_cancel_and_retry_pick_the_postgres_store_from_db()
    {
        var submitted = await Yard("submit", "http", "--payload", """{"url":"http://127.0.0.1:9/"}""", "--queue", "web", "--delay", "1h",
            "--json", "--db", ConnectionString);
        Assert.True(submitted.Code == 0, submitted.Err);
        using var job = JsonDocument.Parse(submitted.Out);
        var id = job.RootElement.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.Contains("state     scheduled", (await Yard("status", id, "--db", Url)).Out, StringComparison.Ordinal);
        Assert.Equal("""[{"queue":"web","state":"scheduled","count":1}]""" + "\n", (await Yard("jobs", "--counts", "--json", "--db", Url)).Out);
        Assert.Equal($"{id}\tcancelled\n", (await Yard("cancel", id, "--db", ConnectionString)).Out);
        Assert.Equal($"{id}\tavailable again\n", (await Yard("retry", id, "--db", Url)).Out);
        Assert.Contains("available", (await Yard("jobs", "--db", ConnectionString)).Out, StringComparison.Ordinal);

        // The store really is in PostgreSQL, in the schema the search path named.
        await using var store = await TestPostgres.OpenAsync(_schema);
        Assert.Equal(JobState.Available, (await store.GetAsync(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture)))!.State);
    }

    [Fact]
    public async Task Serve_over_postgres_answers_the_api_and_streams_the_change_feed()
    {
        using var output = new LineWriter();
        using var error = new StringWriter();
        using var stop = new CancellationTokenSource();
        var serving = YardCli.RunAsync(["serve", "--db", ConnectionString, "--urls", "http://127.0.0.1:0", "--workers", "1", "--queues", "web"],
            output, error, stop.Token);
        var listening = await output.Listening.Task.Within();
        using var client = new HttpClient { BaseAddress = new Uri(listening) };

        using var submitted = await client.PostAsync(new Uri("/api/jobs", UriKind.Relative), new StringContent(
            """{"kind":"http","payload":{"url":"http://127.0.0.1:9/"},"queue":"web","delaySeconds":3600}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.Created, submitted.StatusCode);
        var id = JsonDocument.Parse(await submitted.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        using (await client.PostAsync(new Uri($"/api/jobs/{id}/cancel", UriKind.Relative), null)) { }

        // From the start of the feed: the job's latest change (cancelled), read from PostgreSQL.
        using var events = await client.GetAsync(new Uri("/api/events?lastEventId=0", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync());
        string? data = null;
        while (data is null)
        {
            var line = await reader.ReadLineAsync().Within() ?? throw new EndOfStreamException();
            if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line["data: ".Length..];
        }
        using (var job = JsonDocument.Parse(data))
        {
            Assert.Equal(id, job.RootElement.GetProperty("id").GetInt64());
            Assert.Equal("cancelled", job.RootElement.GetProperty("state").GetString());
        }

        using var stats = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/stats", UriKind.Relative)));
        Assert.Equal(1, stats.RootElement.GetProperty("totals").GetProperty("cancelled").GetInt64());

        await stop.CancelAsync();
        Assert.Equal(0, await serving.Within());
        Assert.Contains("yard serve: stopped", output.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Output that says when <c>yard serve</c> printed the address it listens on.</summary>
    private sealed class LineWriter : StringWriter
    {
        public TaskCompletionSource<string> Listening { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override Task WriteLineAsync(string? value)
        {
            const string prefix = "yard serve: listening on ";
            if (value?.StartsWith(prefix, StringComparison.Ordinal) == true) Listening.TrySetResult(value[prefix.Length..].Split(' ')[0]);
            return base.WriteLineAsync(value);
        }
    }

    [Fact]
    public async Task A_bad_postgres_url_is_refused_naming_db()
    {
        var result = await Yard("jobs", "--db", "postgres://h/db?NoSuchSetting=1");
        Assert.Equal(1, result.Code);
        Assert.StartsWith("yard: --db: ", result.Err, StringComparison.Ordinal);
        Assert.Contains("NoSuchSetting", result.Err, StringComparison.Ordinal);
    }
}
