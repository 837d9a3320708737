using System.Diagnostics;
using System.Runtime.CompilerServices;
using Switchyard.Processes;

namespace Switchyard.Samples.Etl;

/// <summary>
/// The whole sample: one pipeline with backpressure — read a JSON-lines file in batches (I/O), transform each batch
/// on the Cpu or Process lane (CPU-bound), insert each batch into SQLite in one transaction (I/O) — then the
/// throughput of each stage and a checksum of what was loaded.
/// </summary>
public static class EtlSample
{
    /// <summary>Runs the pipeline and writes its report to <paramref name="output"/>. Returns 0 when the checksum matches, 1 otherwise.</summary>
    public static async Task<int> RunAsync(EtlOptions options, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        options.Validate();
        void Say(FormattableString line) => output.WriteLine(FormattableString.Invariant(line));

        var temp = Directory.CreateTempSubdirectory("switchyard-etl-");
        try
        {
            var input = options.Input;
            if (input is null)
            {
                input = Path.Combine(temp.FullName, "orders.jsonl");
                var generating = Stopwatch.StartNew();
                await OrderGenerator.WriteAsync(input, options.Rows, cancellationToken: cancellationToken).ConfigureAwait(false);
                Say($"input     {input}: {options.Rows} orders generated in {generating.Elapsed.TotalSeconds:0.00} s, {new FileInfo(input).Length / 1024.0 / 1024.0:0.0} MiB");
            }
            else
            {
                Say($"input     {input}: {new FileInfo(input).Length / 1024.0 / 1024.0:0.0} MiB");
            }
            var database = options.Database ?? Path.Combine(temp.FullName, "orders.db");
            Say($"database  {database}{(options.Database is null ? " (temporary)" : "")}");
            try
            {
                return await LoadAsync(options, input, database, output, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                SqliteLoader.Delete(database); // a load that failed leaves nothing half-written behind
                throw;
            }
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    private static async Task<int> LoadAsync(EtlOptions options, string input, string database, TextWriter output, CancellationToken cancellationToken)
    {
        void Say(FormattableString line) => output.WriteLine(FormattableString.Invariant(line));

        await using var transformLane = options.Transform == TransformLane.Cpu
            ? Lane.Cpu(new CpuLaneOptions { Name = "transform", Workers = options.Workers })
            : ProcessLane.Create(new ProcessLaneOptions { Name = "transform", Workers = options.Workers });
        // Microsoft.Data.Sqlite blocks: its one writer gets a thread of its own (a one-thread Cpu lane).
        await using var writer = Lane.Cpu(new CpuLaneOptions { Name = "sqlite", Workers = 1 });
        using var loader = SqliteLoader.Create(database);

        var read = new StageClock();
        var transform = new StageClock();
        var load = new StageClock();
        long idSum = 0, centsSum = 0;
        var stages = new StageOptions { Name = "transform", Concurrency = options.Workers, Capacity = options.Capacity };
        var sink = new StageOptions { Name = "load", Capacity = options.Capacity };
        var boundBatches = 1 + (options.Capacity + options.Workers) + (options.Capacity + 1);
        Say($"pipeline  read -> transform ({transformLane.Kind} lane, {options.Workers} workers) -> load (SQLite, one writer thread); {options.BatchSize} rows a batch");
        Say($"bound     at most {boundBatches} batches ({boundBatches * (long)options.BatchSize} rows) between read and load: 1 + sum of (capacity {options.Capacity} + workers) over transform and load");

        var clock = Stopwatch.StartNew();
        var run = Pipeline.From(ReadBatchesAsync(input, options.BatchSize, read, cancellationToken))
            .Then(transformLane, OrderTransform.TransformBatch, stages)
            .Start(writer, (batch, _) =>
            {
                var start = Stopwatch.GetTimestamp();
                loader.Insert(batch.Rows);
                load.Add(batch.Rows.Length, start);
                transform.Add(batch.Rows.Length, TimeSpan.FromMicroseconds(batch.BusyMicroseconds));
                foreach (var row in batch.Rows)
                {
                    idSum += row.Id; // only the one writer thread adds
                    centsSum += row.TotalCents;
                }
                return ValueTask.CompletedTask;
            }, sink, cancellationToken);
        var peaks = await WatchQueuesAsync(run).ConfigureAwait(false);
        clock.Stop();

        Say($"{"stage",-10}{"workers",8}{"rows",10}{"busy s",9}{"rows/s/worker",15}{"peak queue",12}");
        void Stage(string name, int workers, StageClock stage, string? queue) =>
            Say($"{name,-10}{workers,8}{stage.Rows,10}{stage.Busy.TotalSeconds,9:0.00}{stage.Rows / Math.Max(stage.Busy.TotalSeconds, 1e-9),15:0}{queue ?? "-",12}");
        Stage("read", 1, read, null);
        Stage("transform", options.Workers, transform, $"{peaks.GetValueOrDefault("transform")}/{options.Capacity}");
        Stage("load", 1, load, $"{peaks.GetValueOrDefault("load")}/{options.Capacity}");
        Say($"total     {load.Rows} rows in {clock.Elapsed.TotalSeconds:0.00} s: {load.Rows / Math.Max(clock.Elapsed.TotalSeconds, 1e-9):0} rows/s end to end");

        var (rows, ids, cents) = loader.Checksum();
        var matches = rows == read.Rows && rows == load.Rows && ids == idSum && cents == centsSum;
        output.WriteLine(matches
            ? FormattableString.Invariant($"check     {read.Rows} lines read = {rows} rows loaded; sum(id) {ids} and sum(total_cents) {cents} of the table match the transformed rows")
            : FormattableString.Invariant($"check     FAILED: {read.Rows} lines read, {rows} rows loaded, sum(id) {ids} vs {idSum}, sum(total_cents) {cents} vs {centsSum}"));
        return matches ? 0 : 1;
    }

    // The extract stage: lines in batches, timing only its own work (not the time it waits for room downstream).
    private static async IAsyncEnumerable<string[]> ReadBatchesAsync(string path, int batchSize, StageClock clock,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(path, new FileStreamOptions { Access = FileAccess.Read, Options = FileOptions.Asynchronous | FileOptions.SequentialScan, BufferSize = 1 << 16 });
        var batch = new List<string>(batchSize);
        var start = Stopwatch.GetTimestamp();
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0) continue;
            batch.Add(line);
            if (batch.Count == batchSize)
            {
                clock.Add(batch.Count, start);
                yield return [.. batch];
                batch.Clear();
                start = Stopwatch.GetTimestamp();
            }
        }
        clock.Add(batch.Count, start);
        if (batch.Count > 0) yield return [.. batch];
    }

    // Samples the stages' input queues while the run goes on: the peak shows where backpressure held the stage before.
    private static async Task<Dictionary<string, long>> WatchQueuesAsync(PipelineRun run)
    {
        var peaks = new Dictionary<string, long>(StringComparer.Ordinal);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (!run.Completion.IsCompleted)
        {
            foreach (var stage in run.Statistics())
                peaks[stage.Stage] = Math.Max(peaks.GetValueOrDefault(stage.Stage), stage.Queued);
            await Task.WhenAny(run.Completion, timer.WaitForNextTickAsync().AsTask()).ConfigureAwait(false);
        }
        await run.Completion.ConfigureAwait(false);
        return peaks;
    }
}
