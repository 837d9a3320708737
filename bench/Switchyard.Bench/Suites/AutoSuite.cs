using System.Diagnostics;
using System.Globalization;

namespace Switchyard.Bench;

/// <summary>
/// <c>yard bench auto</c>: three workloads — waits, CPU spins and a mix — each mapped through the Auto lane and
/// through every fixed lane a person might hand-pick (Io with its default limit, Cpu with one worker per core,
/// Loop); the Auto lane's wall time is compared with the best and the worst of them, measured in the same run.
/// </summary>
internal sealed class AutoSuite : IBenchSuite
{
    public string Name => "auto";

    public string Description =>
        "2,000 × 50 ms waits, 400 × 10 ms CPU spins and a mix (400 × 5 ms spin + 20 ms wait): " +
        "the Auto lane vs the best and the worst fixed lane (Io, Cpu, Loop).";

    public async Task<IReadOnlyList<Measurement>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var scale = context.Quick ? 10 : 1;
        var perMs = CalibrateSpin();
        context.Note(string.Create(CultureInfo.InvariantCulture, $"auto: a spin does a fixed {perMs:#,0} iterations per ms of one core's time (calibrated now)."));
        // The Cpu lane keeps only twice its workers in flight, so on the waits it takes ~26 s a run: one round there.
        var workloads = new (string Name, int Count, Func<int, CancellationToken, ValueTask<int>> Body, int Rounds)[]
        {
            ($"{2_000 / scale:#,0} × 50 ms waits", 2_000 / scale, async (i, ct) => { await Task.Delay(50, ct).ConfigureAwait(false); return i; }, 1),
            ($"{400 / scale:#,0} × 10 ms CPU spins", 400 / scale, (i, _) => ValueTask.FromResult(Spin(10 * perMs) + i), 3),
            ($"{400 / scale:#,0} × (5 ms spin + 20 ms wait)", 400 / scale, async (i, ct) =>
            {
                Spin(5 * perMs);
                await Task.Delay(20, ct).ConfigureAwait(false);
                return i;
            }, 3),
        };

        var measurements = new List<Measurement>();
        var contenders = Contenders().ToArray();
        foreach (var (name, count, body, rounds) in workloads)
        {
            context.Note($"auto: {name}, {rounds} round(s) after a warm-up, the lanes in turn ...");
            var routes = new string[contenders.Length];
            var runs = contenders.Select((contender, index) => (Func<Task>)(async () =>
            {
                await using var lane = contender.Create();
                var results = await lane.MapAsync(Enumerable.Range(0, count), body, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (results.Length != count) throw new InvalidOperationException($"auto: {contender.Name} returned {results.Length} of {count} results.");
                var stats = lane.Statistics();
                routes[index] = stats.Route is { } route ? $"  (routed to {route}, limit {stats.Limit})" : "";
            })).ToArray();
            var medians = await Sampler.MedianSecondsAsync(context.Quick ? 1 : rounds, runs, cancellationToken).ConfigureAwait(false);
            var walls = new Dictionary<string, double>();
            for (var i = 0; i < contenders.Length; i++)
            {
                walls[contenders[i].Name] = medians[i];
                context.Note(string.Create(CultureInfo.InvariantCulture, $"auto:   {contenders[i].Name,-12} {medians[i] * 1000,9:0.0} ms{routes[i]}"));
            }
            var fixedLanes = walls.Where(w => w.Key != "Auto").ToArray();
            var best = fixedLanes.MinBy(w => w.Value);
            var worst = fixedLanes.MaxBy(w => w.Value);
            // Speeds (1 / wall), so that higher is better and the target reads "at least 0.9 of the best".
            measurements.Add(new Measurement(Name, $"Auto lane speed vs best fixed lane, {name}", 1 / walls["Auto"], "1/s",
                Better.Higher, $"best fixed lane ({best.Key})", 1 / best.Value, "≥ 0.9"));
            measurements.Add(new Measurement(Name, $"Auto lane speed vs worst fixed lane, {name}", 1 / walls["Auto"], "1/s",
                Better.Higher, $"worst fixed lane ({worst.Key})", 1 / worst.Value));
        }
        return measurements;
    }

    private static IEnumerable<(string Name, Func<Lane> Create)> Contenders() =>
    [
        ("Auto", () => Lane.Auto()),
        ("Io (1024)", () => Lane.Io(new IoLaneOptions { StallThreshold = null })),
        ("Cpu (cores)", () => Lane.Cpu()),
        ("Loop", () => Lane.Loop(new LoopLaneOptions { StallThreshold = null })),
    ];

    /// <summary>
    /// A fixed amount of CPU work (not a fixed wall time, which an oversubscribed machine would finish with less
    /// work done): <paramref name="iterations"/> dependent multiply-adds.
    /// </summary>
    private static int Spin(long iterations)
    {
        var x = 0;
        for (long i = 0; i < iterations; i++) x = unchecked(x * 31 + 7);
        return x & 1;
    }

    /// <summary>Iterations of <see cref="Spin"/> per millisecond on this thread: the best of a few 20 ms trials.</summary>
    private static long CalibrateSpin()
    {
        long best = 0;
        for (var trial = 0; trial < 5; trial++)
        {
            const long probe = 2_000_000;
            var clock = Stopwatch.StartNew();
            Spin(probe);
            var perMs = (long)(probe / Math.Max(clock.Elapsed.TotalMilliseconds, 0.001));
            best = Math.Max(best, perMs);
        }
        return best;
    }
}
