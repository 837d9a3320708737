using System.Diagnostics;
using System.Text.Json;
using Switchyard.Processes;

namespace Switchyard.Bench;

/// <summary>
/// <c>yard bench process</c>: the Process lane against Python's <c>multiprocessing.Pool(2)</c> (no-op items at chunk
/// sizes 1 and 1,000, in the same run, the median of eleven maps on each side, after warm-up), CPU-bound items against the Cpu lane and a serial loop, the pool's start
/// time, and a run in which a worker is killed (no other item may be lost or hang).
/// </summary>
public sealed class ProcessSuite : IBenchSuite
{
    private const int Workers = 2;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);

    /// <inheritdoc/>
    public string Name => "process";

    /// <inheritdoc/>
    public string Description => "Process lane: no-op throughput vs Python's multiprocessing.Pool(2), CPU-bound speedup, pool start, a killed worker.";

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Measurement>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var items = context.Quick ? 10_000 : 100_000;
        var cpuItems = context.Quick ? 2 : 8;
        var rounds = context.Quick ? 1 : 11;
        var results = new List<Measurement>();
        var python = await RunPythonPeerAsync(context, items, rounds, cancellationToken).ConfigureAwait(false);

        var options = new ProcessLaneOptions { Workers = Workers, Name = "bench-process" };
        var started = Stopwatch.GetTimestamp();
        await using (var lane = ProcessLane.Create(options))
        {
            await lane.SubmitAsync(BenchWork.Noop, 0, cancellationToken).ConfigureAwait(false);
            var startSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            results.Add(new Measurement(Name, "pool start to first result (2 workers)", startSeconds * 1000, "ms", Better.Lower,
                "multiprocessing.Pool(2) start to first result", python?.GetProperty("start_s").GetDouble() * 1000));

            foreach (var chunkSize in new[] { 1, 1000 })
            {
                context.Note($"process: {items:N0} no-op items at chunk size {chunkSize}...");
                // Untimed maps for two seconds first, so the figure is of steady-state code on both sides (Python has no
                // JIT to warm): the tiered JIT promotes the parent's and the workers' hot paths only after they have run
                // for a while, and at chunk size 1,000 the timed maps ran 2–3× slower for the first ~1.5 s.
                var warming = Stopwatch.GetTimestamp();
                do await lane.MapAsync(Enumerable.Range(0, items), BenchWork.Noop, new MapOptions { ChunkSize = chunkSize }, cancellationToken).ConfigureAwait(false);
                while (!context.Quick && Stopwatch.GetElapsedTime(warming) < WarmUp);
                // The median of several maps, as the peer does: one map at chunk size 1,000 takes under 20 ms on either side.
                var seconds = new double[rounds];
                for (var round = 0; round < rounds; round++)
                {
                    var began = Stopwatch.GetTimestamp();
                    var output = await lane.MapAsync(Enumerable.Range(0, items), BenchWork.Noop, new MapOptions { ChunkSize = chunkSize }, cancellationToken).ConfigureAwait(false);
                    seconds[round] = Stopwatch.GetElapsedTime(began).TotalSeconds;
                    if (output.Length != items) throw new InvalidOperationException("The map lost items.");
                }
                var perSecond = items / Sampler.Median(seconds);
                results.Add(new Measurement(Name, $"{items:N0} no-op items, chunk size {chunkSize:N0}, 2 workers", perSecond, "items/s", Better.Higher,
                    $"multiprocessing.Pool(2).map, chunksize={chunkSize}", python?.GetProperty($"chunk{chunkSize}_items_per_s").GetDouble(),
                    chunkSize == 1 ? "≥ 2" : "≥ 1"));
            }
        }

        context.Note($"process: {cpuItems} CPU-bound items (sum of squares to {BenchWork.SquaresTo:N0})...");
        // Each contender runs once untimed first, so every figure is of jitted code in a started pool.
        var serial = 0.0;
        for (var round = 0; round < 2; round++)
        {
            serial = Time(() =>
            {
                for (var i = 0; i < cpuItems; i++) BenchWork.SumOfSquares(i);
            });
        }
        await using (var cpu = Lane.Cpu())
        {
            var cpuSeconds = 0.0;
            for (var round = 0; round < 2; round++)
                cpuSeconds = await TimeAsync(() => cpu.MapAsync(Enumerable.Range(0, cpuItems), BenchWork.SumOfSquares, new MapOptions { ChunkSize = 1 }, cancellationToken)).ConfigureAwait(false);
            results.Add(new Measurement(Name, $"{cpuItems} CPU-bound items on the Cpu lane ({cpu.Parallelism} threads)", cpuSeconds * 1000, "ms", Better.Lower, "serial loop", serial * 1000));
        }
        await using (var lane = ProcessLane.Create(new ProcessLaneOptions { Name = "bench-process-cpu" }))
        {
            var processSeconds = 0.0;
            for (var round = 0; round < 2; round++)
                processSeconds = await TimeAsync(() => lane.MapAsync(Enumerable.Range(0, cpuItems), BenchWork.SumOfSquares, new MapOptions { ChunkSize = 1 }, cancellationToken)).ConfigureAwait(false);
            results.Add(new Measurement(Name, $"{cpuItems} CPU-bound items on the Process lane ({lane.Parallelism} workers)", processSeconds * 1000, "ms", Better.Lower, "serial loop", serial * 1000));
        }

        results.Add(await KilledWorkerAsync(context, cancellationToken).ConfigureAwait(false));
        return results;
    }

    /// <summary>Kills a worker mid-run: every item must end, and only the ones that worker held may fail.</summary>
    private async Task<Measurement> KilledWorkerAsync(BenchContext context, CancellationToken cancellationToken)
    {
        context.Note("process: killing a worker in the middle of a map...");
        const int Items = 2000;
        await using var lane = ProcessLane.Create(new ProcessLaneOptions { Workers = Workers, WorkerOutput = TextWriter.Null });
        var succeeded = 0;
        var died = 0;
        var killed = false;
        await foreach (var outcome in lane.Stream(Enumerable.Range(0, Items), BenchWork.SlowNoop, new MapOptions { ChunkSize = 1 }, cancellationToken)
                           .Outcomes().WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (outcome.Succeeded) succeeded++;
            else if (outcome.Exception is WorkerDiedException) died++;
            if (!killed && succeeded == Items / 2 && lane.PoolStatistics().WorkerPids is [var pid, ..])
            {
                using var victim = Process.GetProcessById(pid);
                victim.Kill();
                killed = true;
            }
        }
        var lost = Items - succeeded - died;
        context.Note($"process: after the kill, {succeeded} succeeded, {died} failed with the dead worker, {lost} lost.");
        return new Measurement(Name, $"items lost or hung when a worker is killed mid-map ({Items:N0} items; goal 0)", lost + Math.Max(0, died - 1), "items",
            Better.Lower, "items the killed worker was running (failed, not lost; at most 1 at chunk size 1)", died);
    }

    private static async Task<JsonElement?> RunPythonPeerAsync(BenchContext context, int items, int rounds, CancellationToken cancellationToken)
    {
        var script = Path.Combine(context.PeersDirectory, "mp_pool.py");
        if (!File.Exists(script))
        {
            context.Note($"process: {script} not found: Python peer skipped.");
            return null;
        }
        context.Note("process: running the Python peer (multiprocessing.Pool(2))...");
        try
        {
            var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, UseShellExecute = false };
            start.ArgumentList.Add(script);
            start.ArgumentList.Add(items.ToString(System.Globalization.CultureInfo.InvariantCulture));
            start.ArgumentList.Add(rounds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var python = Process.Start(start)!;
            var output = await python.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await python.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (python.ExitCode != 0)
            {
                context.Note($"process: the Python peer exited with {python.ExitCode}; no baseline.");
                return null;
            }
            return JsonDocument.Parse(output).RootElement.Clone();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            context.Note("process: python3 not found: Python peer skipped.");
            return null;
        }
    }

    private static double Time(Action action)
    {
        var began = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(began).TotalSeconds;
    }

    private static async Task<double> TimeAsync(Func<Task> action)
    {
        var began = Stopwatch.GetTimestamp();
        await action().ConfigureAwait(false);
        return Stopwatch.GetElapsedTime(began).TotalSeconds;
    }
}
