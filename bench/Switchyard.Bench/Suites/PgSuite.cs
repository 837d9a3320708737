using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using Switchyard.Jobs;
using Switchyard.Jobs.Postgres;
using Switchyard.Jobs.Store;

namespace Switchyard.Bench;

/// <summary>
/// The queue on PostgreSQL: 100,000 trivial jobs drained by two <c>yard worker</c> processes, beside a raw
/// <c>FOR UPDATE SKIP LOCKED</c> lease-100/complete-100 loop (two connections) and graphile-worker (two processes) on the
/// same server in the same run; and enqueue-to-start latency through LISTEN/NOTIFY. The server is
/// <c>SWITCHYARD_BENCH_PG</c> (a connection string) or a throwaway one started with peers/pg-server.sh.
/// </summary>
internal sealed class PgSuite : IBenchSuite
{
    private const int Batch = 1000;

    public string Name => "pg";

    public string Description =>
        "PostgreSQL queue: 100,000 trivial jobs, two worker processes, vs a raw SKIP LOCKED lease-100 loop and graphile-worker; enqueue-to-start latency with LISTEN/NOTIFY.";

    public async Task<IReadOnlyList<Measurement>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var n = context.Quick ? 5_000 : 100_000;
        var server = Environment.GetEnvironmentVariable("SWITCHYARD_BENCH_PG") is { Length: > 0 } given ? new Server(given, null)
            : await Server.StartAsync(context, cancellationToken);
        try
        {
            var results = new List<Measurement>();
            context.Note($"pg: {n:N0} jobs on {new NpgsqlConnectionStringBuilder(server.ConnectionString).Host}:{new NpgsqlConnectionStringBuilder(server.ConnectionString).Port}");
            var raw = await RawLoopAsync(server.ConnectionString, n, cancellationToken);
            var switchyard = await WorkerProcessesAsync(context, server.ConnectionString, n, cancellationToken);
            var graphile = await GraphileAsync(context, server.ConnectionString, n, cancellationToken);
            if (switchyard is { } rate)
            {
                results.Add(new Measurement(Name, $"Drain {n:N0} trivial jobs, two yard worker processes", rate, "jobs/s", Better.Higher,
                    "raw SKIP LOCKED loop: lease 100, complete 100, two connections", raw, "≥ 0.7"));
                results.Add(new Measurement(Name, $"Drain {n:N0} trivial jobs, two yard worker processes", rate, "jobs/s", Better.Higher,
                    "graphile-worker, two processes, local queue 100, batched completion", graphile, "> 1"));
            }

            var samples = context.Quick ? 50 : 500;
            var (p50, p99) = await LatencyAsync(context, server.ConnectionString, samples, cancellationToken);
            var (rawP50, rawP99) = await RawLatencyAsync(server.ConnectionString, samples, cancellationToken);
            context.Note($"pg: latency target p50 ≤ 5 ms (measured {p50:0.00} ms); the baseline is two raw commits (insert, then lease).");
            results.Add(new Measurement(Name, $"Enqueue-to-start latency p50, LISTEN/NOTIFY from another connection ({samples} jobs)", p50, "ms",
                Better.Lower, "raw: INSERT commit + SKIP LOCKED lease commit, p50", rawP50));
            results.Add(new Measurement(Name, $"Enqueue-to-start latency p99, LISTEN/NOTIFY from another connection ({samples} jobs)", p99, "ms",
                Better.Lower, "raw: INSERT commit + SKIP LOCKED lease commit, p99", rawP99));
            return results;
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static Task<PostgresJobStore> OpenAsync(string connectionString, string schema) =>
        PostgresJobStore.OpenAsync(new PostgresJobStoreOptions { ConnectionString = connectionString, Schema = schema });

    private static async Task DropAsync(string connectionString, string schema)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
#pragma warning disable CA2100 // a constant schema name
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
#pragma warning restore CA2100
        await drop.ExecuteNonQueryAsync();
    }

    private static async Task FillAsync(PostgresJobStore store, int n, CancellationToken ct)
    {
        var client = new JobClient(store);
        for (var done = 0; done < n; done += Batch)
        {
            await client.EnqueueManyAsync(Enumerable.Range(0, Math.Min(Batch, n - done))
                .Select(_ => new JobRequest(BenchNoopHandler.KindName, "{}")).ToList(), ct);
        }
    }

    /// <summary>
    /// Two worker processes start on an empty queue and say so; then every job is enqueued in one transaction (through
    /// the store's transactional enqueue), so all of them appear at its commit, and the clock runs from the commit to the
    /// last job's finish as the database recorded it. (Storing the jobs due later and then updating every row to make
    /// them due left a second version of each row behind, which the workers' lookups paid for and the raw loop did not.)
    /// </summary>
    private static async Task<double?> WorkerProcessesAsync(BenchContext context, string connectionString, int n, CancellationToken ct)
    {
        var yard = Path.Combine(AppContext.BaseDirectory, "yard.dll");
        if (!File.Exists(yard))
        {
            context.Note($"pg: {yard} is missing (run the suite through yard bench): the worker-process figure is absent.");
            return null;
        }
        const string schema = "bench_switchyard";
        await DropAsync(connectionString, schema);
        var processes = new List<Process>();
        try
        {
            await using var store = await OpenAsync(connectionString, schema);
            for (var i = 0; i < 2; i++)
            {
                var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var arg in new[] { yard, "worker", "--db", connectionString + $";Search Path={schema}", "--handlers-assembly",
                    typeof(BenchNoopHandler).Assembly.Location, "--concurrency", "256", "--poll", "50ms", "--json" })
                {
                    start.ArgumentList.Add(arg);
                }
                var process = Process.Start(start)!;
                processes.Add(process);
                process.ErrorDataReceived += (_, _) => { };
                process.BeginErrorReadLine();
                var line = await process.StandardOutput.ReadLineAsync(ct);
                if (line is null || !line.Contains("\"started\"", StringComparison.Ordinal))
                {
                    context.Note($"pg: a yard worker did not start ({line}): the worker-process figure is absent.");
                    return null;
                }
            }
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync(ct);
                DateTimeOffset due;
                await using (var transaction = await connection.BeginTransactionAsync(ct))
                {
                    for (var done = 0; done < n; done += Batch)
                    {
                        await store.EnqueueAsync(transaction, Enumerable.Range(0, Math.Min(Batch, n - done))
                            .Select(_ => new NewJob(BenchNoopHandler.KindName, "default", "{}", 0, null, 3)).ToList(), ct);
                    }
                    due = DateTimeOffset.UtcNow; // before the commit: its own time counts against the workers
                    await transaction.CommitAsync(ct);
                }
                // Watch for the end with a probe of the state index, not a count of every row by state: the count scans the
                // whole table ten times a second and takes the CPU the workers and the server are being measured on.
#pragma warning disable CA2100
                await using var unfinished = new NpgsqlCommand(
                    $"SELECT EXISTS (SELECT 1 FROM {schema}.jobs WHERE state = ANY('{{scheduled,available,running,retrying}}'))", connection);
#pragma warning restore CA2100
                while ((bool)(await unfinished.ExecuteScalarAsync(ct))!)
                    await Task.Delay(100, ct);
                if ((await store.CountAsync(ct)).Where(c => c.State == JobState.Succeeded).Sum(c => c.Count) < n)
                    throw new InvalidOperationException($"pg: the workers ended with fewer than {n:N0} jobs succeeded.");
#pragma warning disable CA2100
                await using var last = new NpgsqlCommand($"SELECT max(finished_at) FROM {schema}.jobs", connection);
#pragma warning restore CA2100
                var finished = (DateTime)(await last.ExecuteScalarAsync(ct))!;
                return n / (new DateTimeOffset(finished, TimeSpan.Zero) - due).TotalSeconds;
            }
        }
        finally
        {
            foreach (var process in processes)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
                process.Dispose();
            }
            await DropAsync(connectionString, schema);
        }
    }

    /// <summary>The same durable work by hand: two connections, each a transaction per lease of 100 and per completion of 100.</summary>
    private static async Task<double> RawLoopAsync(string connectionString, int n, CancellationToken ct)
    {
        const string schema = "bench_raw";
        await DropAsync(connectionString, schema);
        try
        {
            // The store creates the schema and fills it (same table and indexes); the loop is plain SQL.
            await using (var store = await OpenAsync(connectionString, schema))
                await FillAsync(store, n, ct);
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, 2).Select(i => Task.Run(async () =>
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(ct);
                await using var lease = new NpgsqlCommand(
                    $"WITH next AS (SELECT id FROM {schema}.jobs WHERE state IN ('scheduled', 'available', 'retrying') AND run_at <= now() " +
                    $"ORDER BY priority DESC, run_at, id LIMIT 100 FOR UPDATE SKIP LOCKED) UPDATE {schema}.jobs AS j SET state = 'running', " +
                    "attempt = attempt + 1, lease_owner = @owner, lease_expires_at = now() + interval '30 seconds', started_at = now() " +
                    "FROM next WHERE j.id = next.id RETURNING j.id", connection);
                lease.Parameters.AddWithValue("owner", $"raw{i}");
                await using var complete = new NpgsqlCommand(
                    $"UPDATE {schema}.jobs SET state = 'succeeded', finished_at = now(), lease_owner = NULL, lease_expires_at = NULL " +
                    "WHERE id = ANY(@ids) AND lease_owner = @owner AND state = 'running'", connection);
                var ids = new NpgsqlParameter<long[]>("ids", Array.Empty<long>());
                complete.Parameters.Add(ids);
                complete.Parameters.AddWithValue("owner", $"raw{i}");
                while (true)
                {
                    var leased = new List<long>(100);
                    await using (var reader = await lease.ExecuteReaderAsync(ct))
                    {
                        while (await reader.ReadAsync(ct)) leased.Add(reader.GetInt64(0));
                    }
                    if (leased.Count == 0) return;
                    ids.TypedValue = [.. leased];
                    await complete.ExecuteNonQueryAsync(ct);
                }
            }, ct)));
            return n / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            await DropAsync(connectionString, schema);
        }
    }

    /// <summary>Runs bench/peers/pg_graphile.js after installing graphile-worker with npm into a temp folder; null (with a note) when it cannot.</summary>
    private static async Task<double?> GraphileAsync(BenchContext context, string connectionString, int n, CancellationToken ct)
    {
        var script = Path.Combine(context.PeersDirectory, "pg_graphile.js");
        var folder = Directory.CreateTempSubdirectory("yard-bench-graphile-").FullName;
        try
        {
            var (installCode, installOutput) = await RunAsync("npm", ["install", "--prefix", folder, "--no-audit", "--no-fund", "graphile-worker"], null, ct);
            if (installCode != 0 || !File.Exists(script))
            {
                context.Note($"pg: graphile-worker is absent (npm install exited {installCode}: {installOutput.Trim().Split('\n').LastOrDefault()}; script {script}).");
                return null;
            }
            var b = new NpgsqlConnectionStringBuilder(connectionString);
            var url = $"postgres://{Uri.EscapeDataString(b.Username ?? "postgres")}{(b.Password is { } p ? ":" + Uri.EscapeDataString(p) : "")}@{b.Host}:{b.Port}/{b.Database}";
            var (code, output) = await RunAsync("node", [script, "--connection", url, "--n", n.ToString(CultureInfo.InvariantCulture), "--concurrency", "64"],
                new Dictionary<string, string> { ["NODE_PATH"] = Path.Combine(folder, "node_modules") }, ct);
            var line = output.Split('\n').LastOrDefault(l => l.TrimStart().StartsWith('{'));
            if (code != 0 || line is null)
            {
                context.Note($"pg: the graphile-worker peer failed (exit {code}): {output.Trim()}");
                return null;
            }
            using var result = JsonDocument.Parse(line);
            var rate = result.RootElement.GetProperty("jobs_per_s").GetDouble();
            context.Note($"pg: graphile-worker {result.RootElement.GetProperty("version").GetString()} drained {n:N0} jobs at {rate:N0} jobs/s.");
            return rate;
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); }
            catch (IOException) { }
        }
    }

    /// <summary>One job at a time: enqueued through one store, started by a worker on another store that only NOTIFY can wake (its poll is 5 s).</summary>
    private static async Task<(double P50, double P99)> LatencyAsync(BenchContext context, string connectionString, int samples, CancellationToken ct)
    {
        const string schema = "bench_latency";
        await DropAsync(connectionString, schema);
        try
        {
            await using var workerStore = await OpenAsync(connectionString, schema);
            await using var enqueueStore = await OpenAsync(connectionString, schema);
            var (latencies, enqueues) = await EnqueueToStart.MeasureAsync(workerStore, enqueueStore, samples, warmup: 20, ct); // warm-up lets LISTEN connect
            context.Note($"pg: of which the enqueue's own commit, p50 {Percentile(enqueues, 0.50):0.00} ms, p99 {Percentile(enqueues, 0.99):0.00} ms.");
            return (Percentile(latencies, 0.50), Percentile(latencies, 0.99));
        }
        finally
        {
            await DropAsync(connectionString, schema);
        }
    }

    private static async Task<(double P50, double P99)> RawLatencyAsync(string connectionString, int samples, CancellationToken ct)
    {
        const string schema = "bench_raw_latency";
        await DropAsync(connectionString, schema);
        try
        {
            await (await OpenAsync(connectionString, schema)).DisposeAsync();
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(ct);
            // change_seq has no default since the change feed came; the raw baseline keeps no feed, so it writes a constant.
            await using var insert = new NpgsqlCommand(
                $"INSERT INTO {schema}.jobs (kind, queue, payload, priority, state, attempt, max_attempts, run_at, created_at, change_seq) " +
                "VALUES ('ping', 'default', '{}', 0, 'available', 0, 20, now(), now(), 0)", connection);
            await using var lease = new NpgsqlCommand(
                $"WITH next AS (SELECT id FROM {schema}.jobs WHERE state = 'available' ORDER BY priority DESC, run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) " +
                $"UPDATE {schema}.jobs AS j SET state = 'running', lease_owner = 'raw' FROM next WHERE j.id = next.id RETURNING j.id", connection);
            var latencies = new List<double>(samples);
            for (var i = 0; i < samples + 20; i++)
            {
                var before = Stopwatch.GetTimestamp();
                await insert.ExecuteNonQueryAsync(ct);
                await lease.ExecuteScalarAsync(ct);
                if (i >= 20) latencies.Add(Stopwatch.GetElapsedTime(before).TotalMilliseconds);
            }
            return (Percentile(latencies, 0.50), Percentile(latencies, 0.99));
        }
        finally
        {
            await DropAsync(connectionString, schema);
        }
    }

    private static double Percentile(List<double> values, double p) => EnqueueToStart.Percentile(values, p);

    private static Task<(int Code, string Output)> RunAsync(string file, string[] args, Dictionary<string, string>? environment, CancellationToken ct) =>
        Task.Run(() => (QueueSuite.Run(file, args, environment, out var output), output), ct);

    /// <summary>The server: given, or a throwaway one from peers/pg-server.sh on a free port, stopped at the end.</summary>
    private sealed class Server(string connectionString, Dictionary<string, string>? environment) : IAsyncDisposable
    {
        public string ConnectionString { get; } = connectionString;

        public static async Task<Server> StartAsync(BenchContext context, CancellationToken ct)
        {
            var port = QueueSuite.FreePort();
            var environment = new Dictionary<string, string>
            {
                ["SWITCHYARD_PG_PORT"] = port.ToString(CultureInfo.InvariantCulture),
                ["SWITCHYARD_PG_ROOT"] = Path.Combine(Path.GetTempPath(), $"yard-bench-pg-{port}"),
            };
            var script = Path.Combine(context.PeersDirectory, "pg-server.sh");
            var (code, output) = await RunAsync("bash", [script, "start"], environment, ct);
            if (code != 0)
                throw new InvalidOperationException($"pg: no SWITCHYARD_BENCH_PG and {script} could not start a server: {output.Trim()}");
            var connectionString = output.Split('\n').Last(l => l.StartsWith("Host=", StringComparison.Ordinal)).Trim();
            context.Note($"pg: started a throwaway PostgreSQL on 127.0.0.1:{port}");
            return new Server(connectionString, environment) { Script = script };
        }

        private string? Script { get; init; }

        public async ValueTask DisposeAsync()
        {
            if (environment is not null && Script is not null)
                await RunAsync("bash", [Script, "stop"], environment, CancellationToken.None);
        }
    }
}
