using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchyard.Jobs;
using Switchyard.Jobs.Sqlite;
using Switchyard.Jobs.Store;
using Switchyard.Server;

namespace Switchyard.Bench;

/// <summary>
/// <c>yard serve</c> on loopback with the durable SQLite store: submits/s and p99 from 64 connections, beside a bare
/// Kestrel endpoint driven by the same load generator (the HTTP ceiling of this machine); and, with 1,000,000 jobs
/// in the store, p99 of filtered list queries (state, queue, kind, search, a second page), beside the same queries
/// on the store in-process (what HTTP and JSON add).
/// </summary>
internal sealed class ServerSuite : IBenchSuite
{
    private const int Connections = 64;
    private static readonly string[] Kinds = ["http", "email", "report", "resize"];

    public string Name => "server";

    public string Description =>
        "yard serve: submits/s and p99 at 64 connections vs bare Kestrel; list-query p99 with 1,000,000 jobs vs the store in-process.";

    public async Task<IReadOnlyList<Measurement>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var submits = context.Quick ? 5_000 : 100_000;
        var stored = context.Quick ? 100_000 : 1_000_000;
        var queries = context.Quick ? 2_000 : 20_000;
        var directory = Directory.CreateTempSubdirectory("yard-bench-server-").FullName;
        try
        {
            var results = new List<Measurement>();
            context.Note($"server: {submits:N0} submits from {Connections} connections; SQLite WAL, synchronous=FULL, in {directory}");
            context.Note("server: targets on 2 cores: ≥ 5,000 submits/s at p99 ≤ 50 ms; list p99 ≤ 100 ms with 1,000,000 jobs.");

            HttpLoad.Result submitted;
            var warmup = Math.Min(2_000, submits / 10);
            await using (var server = await StartAsync(Path.Combine(directory, "submit.db"), cancellationToken))
            {
                await HttpLoad.RunAsync(server.Address, Connections, warmup, SubmitAsync, cancellationToken);
                submitted = await HttpLoad.RunAsync(server.Address, Connections, submits, SubmitAsync, cancellationToken);
            }
            HttpLoad.Result bare;
            await using (var ceiling = await StartBareAsync(cancellationToken))
            {
                await HttpLoad.RunAsync(ceiling.Address, Connections, warmup, SubmitAsync, cancellationToken);
                bare = await HttpLoad.RunAsync(ceiling.Address, Connections, submits, SubmitAsync, cancellationToken);
            }
            if (submitted.Failures > 0) context.Note($"server: {submitted.Failures} submits failed");
            results.Add(new Measurement(Name, $"Submit {submits:N0} jobs, {Connections} connections, durable SQLite", submitted.PerSecond, "req/s",
                Better.Higher, "bare Kestrel endpoint (reads the body, answers 201), same generator", bare.PerSecond));
            results.Add(new Measurement(Name, "Submit latency p99", submitted.P99Ms, "ms", Better.Lower,
                "bare Kestrel endpoint p99", bare.P99Ms));

            var path = Path.Combine(directory, "list.db");
            var fill = Stopwatch.StartNew();
            await FillAsync(path, stored, cancellationToken);
            context.Note($"server: {stored:N0} jobs stored in {fill.Elapsed.TotalSeconds:0.0} s (60% succeeded, 5% dead, 35% available)");
            var filters = Filters();
            HttpLoad.Result listed;
            await using (var server = await StartAsync(path, cancellationToken))
            {
                var pages = await SecondPagesAsync(server.Address, filters, cancellationToken);
                await HttpLoad.RunAsync(server.Address, Connections, pages.Count * 20,
                    (client, i, ct) => client.GetAsync(new Uri(pages[i % pages.Count], UriKind.Relative), ct), cancellationToken);
                listed = await HttpLoad.RunAsync(server.Address, Connections, queries,
                    (client, i, ct) => client.GetAsync(new Uri(pages[i % pages.Count], UriKind.Relative), ct), cancellationToken);
            }
            if (listed.Failures > 0) context.Note($"server: {listed.Failures} list queries failed");
            var inProcess = await StoreQueriesAsync(path, filters, queries, context, cancellationToken);
            results.Add(new Measurement(Name, $"List query p99, {stored:N0} jobs, {Connections} connections (filters, search, page 2)", listed.P99Ms, "ms",
                Better.Lower, "the same queries on the store in-process, p99", inProcess));
            results.Add(new Measurement(Name, "List queries per second", listed.PerSecond, "req/s", Better.Higher, "none", null));
            return results;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(directory, recursive: true); }
            catch (IOException) { }
        }
    }

    private static Task<HttpResponseMessage> SubmitAsync(HttpClient client, int i, CancellationToken ct) =>
        client.PostAsync(new Uri("/api/jobs", UriKind.Relative),
            new StringContent($$$"""{"kind":"http","queue":"q{{{i % 10}}}","payload":{"url":"http://127.0.0.1:9/{{{i}}}"}}""", Encoding.UTF8, "application/json"), ct);

    /// <summary>The list queries: each filter alone, combined, a search that matches 1% of jobs.</summary>
    private static List<JobQuery> Filters() =>
    [
        new() { States = [JobState.Succeeded], Limit = 50 },
        new() { States = [JobState.Dead], Limit = 50 },
        new() { Queue = "q3", Limit = 50 },
        new() { Kind = "report", Limit = 50 },
        new() { Search = "customer-42\"", Limit = 50 },
        new() { States = [JobState.Available], Queue = "q7", Kind = "email", Limit = 50 },
    ];

    private static string Url(JobQuery query, long? cursor)
    {
        var parts = new List<string> { $"limit={query.Limit}" };
        if (query.States is { Count: > 0 } states) parts.Add("state=" + string.Join(',', states.Select(s => s.ToString().ToLowerInvariant())));
        if (query.Queue is { } queue) parts.Add("queue=" + Uri.EscapeDataString(queue));
        if (query.Kind is { } kind) parts.Add("kind=" + Uri.EscapeDataString(kind));
        if (query.Search is { } search) parts.Add("search=" + Uri.EscapeDataString(search));
        if (cursor is { } c) parts.Add("cursor=" + c);
        return "/api/jobs?" + string.Join('&', parts);
    }

    /// <summary>Every filter's first page and its second page (through the first page's cursor).</summary>
    private static async Task<List<string>> SecondPagesAsync(Uri address, List<JobQuery> filters, CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = address };
        var urls = new List<string>();
        foreach (var filter in filters)
        {
            var first = Url(filter, null);
            urls.Add(first);
            using var page = await client.GetFromJsonAsync<JsonDocument>(new Uri(first, UriKind.Relative), ct)
                ?? throw new InvalidOperationException($"{first} answered nothing");
            if (page.RootElement.TryGetProperty("nextCursor", out var next) && next.ValueKind is not JsonValueKind.Null)
                urls.Add(first + "&cursor=" + Uri.EscapeDataString(next.ValueKind == JsonValueKind.String ? next.GetString()! : next.GetRawText()));
        }
        return urls;
    }

    /// <summary>p99 (ms) of the same queries on the store itself, from the same number of concurrent callers.</summary>
    private static async Task<double> StoreQueriesAsync(string path, List<JobQuery> filters, int total, BenchContext context, CancellationToken ct)
    {
        await using var store = SqliteJobStore.Open(new SqliteJobStoreOptions { Path = path });
        var pages = new List<JobQuery>();
        foreach (var filter in filters)
        {
            pages.Add(filter);
            var first = await store.QueryAsync(filter, ct);
            if (first.NextCursor is { } cursor) pages.Add(new JobQuery { States = filter.States, Queue = filter.Queue, Kind = filter.Kind, Search = filter.Search, Limit = filter.Limit, Before = cursor });
        }
        var (latencies, _) = await HttpLoad.ClosedLoopAsync(Connections, total, i => store.QueryAsync(pages[i % pages.Count], ct), ct);
        // Which query shape is slowest, for whoever tunes the indexes.
        var worst = Enumerable.Range(0, pages.Count)
            .Select(p => (Page: pages[p], P99: HttpLoad.Percentile(latencies.Where((_, i) => i % pages.Count == p), 0.99)))
            .MaxBy(x => x.P99);
        context.Note($"server: slowest query shape in-process: {Url(worst.Page, worst.Page.Before)} p99 {worst.P99:0.0} ms");
        return HttpLoad.Percentile(latencies, 0.99);
    }

    /// <summary>Stores <paramref name="count"/> jobs through the store's batch enqueue, then finishes most of them in place.</summary>
    private static async Task FillAsync(string path, int count, CancellationToken ct)
    {
        await using (var store = SqliteJobStore.Open(new SqliteJobStoreOptions { Path = path }))
        {
            const int batch = 10_000;
            for (var done = 0; done < count; done += batch)
            {
                var jobs = new List<NewJob>(batch);
                for (var i = done; i < Math.Min(count, done + batch); i++)
                    jobs.Add(new NewJob(Kinds[i % Kinds.Length], $"q{i % 10}", $$$"""{"customer":"customer-{{{i % 100}}}","order":{{{i}}}}""", 0, null, 3, null));
                await store.EnqueueAsync(jobs, ct);
            }
        }
        // The states a busy store holds: most jobs finished, some dead. Written in place, as a year of work would leave them.
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync(ct);
        await using var update = connection.CreateCommand();
        update.CommandText = """
            UPDATE jobs SET state = CASE WHEN id % 20 < 12 THEN 'succeeded' ELSE 'dead' END,
                            finished_at = created_at + 1000000, attempt = 1,
                            error_message = CASE WHEN id % 20 < 12 THEN NULL ELSE 'boom ' || id END
            WHERE id % 20 < 13;
            """;
        await update.ExecuteNonQueryAsync(ct);
    }

    private static async Task<RunningServer> StartAsync(string db, CancellationToken ct)
    {
        // The API alone (no hosted worker): submits measure the API and the store, not a worker competing for the writer.
        var app = SwitchyardServer.Build(new ServerOptions { Db = db, Urls = "http://127.0.0.1:0", Workers = 0 });
        return await RunningServer.StartAsync(app, ct);
    }

    private static async Task<RunningServer> StartBareAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var id = 0L;
        app.MapPost("/api/jobs", async (HttpRequest request) =>
        {
            using var body = await JsonDocument.ParseAsync(request.Body);
            var n = Interlocked.Increment(ref id);
            return Results.Created($"/api/jobs/{n}", new { id = n, state = "available" });
        });
        return await RunningServer.StartAsync(app, ct);
    }

    private sealed class RunningServer(WebApplication app, Uri address) : IAsyncDisposable
    {
        public Uri Address => address;

        public static async Task<RunningServer> StartAsync(WebApplication app, CancellationToken ct)
        {
            await app.StartAsync(ct);
            var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new RunningServer(app, new Uri(url));
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
