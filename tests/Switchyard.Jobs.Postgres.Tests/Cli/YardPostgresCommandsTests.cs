using System.Text.Json;
using Npgsql;
using Switchyard.Cli;

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
    public async Task A_bad_postgres_url_is_refused_naming_db()
    {
        var result = await Yard("jobs", "--db", "postgres://h/db?NoSuchSetting=1");
        Assert.Equal(1, result.Code);
        Assert.StartsWith("yard: --db: ", result.Err, StringComparison.Ordinal);
        Assert.Contains("NoSuchSetting", result.Err, StringComparison.Ordinal);
    }
}
