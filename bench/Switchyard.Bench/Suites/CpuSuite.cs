using System.Globalization;

namespace Switchyard.Bench;

/// <summary>
/// <c>yard bench cpu</c>: CPU-bound items through the Cpu lane against raw <c>Parallel.For</c> and serial code.
/// </summary>
/// <remarks>
/// Big items: 8 × the sum of squares 1..2,000,000 in <c>long</c> arithmetic; every result is checked against
/// the closed form, so nothing can be optimised away. Tiny items: 1,000,000 items of 128 dependent
/// multiply-adds on a <c>long</c> (about 100 ns on a 3 GHz core; the suite measures and prints the real cost),
/// each result stored (the Cpu lane through <c>MapAsync</c> with chunks of 1,000) and summed afterwards.
/// </remarks>
internal sealed class CpuSuite : IBenchSuite
{
    private const int BigItems = 8;
    private const int TinySteps = 128;
    private const int ChunkSize = 1_000;

    public string Name => "cpu";

    public string Description =>
        "8 CPU-bound items (sum of squares to 2,000,000): Cpu lane vs Parallel.For and serial (speedup); " +
        "1,000,000 tiny items chunked: items/s vs Parallel.For.";

    public async Task<IReadOnlyList<Measurement>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var sumTo = context.Quick ? 100_000L : 2_000_000L;
        var tinyCount = context.Quick ? 20_000 : 1_000_000;
        var bigRounds = context.Quick ? 1 : 301; // a round is ~12 ms: many rounds make the medians stable
        var tinyRounds = context.Quick ? 1 : 11;

        await using var lane = Lane.Cpu();
        var measurements = new List<Measurement>();
        measurements.AddRange(await BigItemsAsync(context, lane, sumTo, bigRounds, cancellationToken).ConfigureAwait(false));
        measurements.Add(await TinyItemsAsync(context, lane, tinyCount, tinyRounds, cancellationToken).ConfigureAwait(false));
        return measurements;
    }

    private async Task<Measurement[]> BigItemsAsync(BenchContext context, Lane lane, long sumTo, int rounds,
        CancellationToken cancellationToken)
    {
        var closedForm = (long)((Int128)sumTo * (sumTo + 1) * (2 * sumTo + 1) / 6); // the product overflows a long
        if (SumOfSquares(sumTo) != closedForm)
            throw new InvalidOperationException($"cpu: sum of squares to {sumTo} is not {closedForm}.");
        var count = sumTo.ToString("#,0", CultureInfo.InvariantCulture);
        var work = new CpuWorkload($"sums of squares to {count}", BigItems, _ => SumOfSquares(sumTo));
        Func<Task> laned = async () =>
        {
            var tasks = new Task<long>[BigItems];
            for (var i = 0; i < BigItems; i++) tasks[i] = lane.RunAsync(_ => SumOfSquares(sumTo));
            work.Check("Cpu lane", await Task.WhenAll(tasks).ConfigureAwait(false));
        };

        context.Note($"cpu: {BigItems} items of sum of squares to {count}, {rounds} round(s) after a warm-up ...");
        var samples = await Sampler.SecondsAsync(rounds, [work.Serial, work.ParallelFor, laned], cancellationToken)
            .ConfigureAwait(false);
        var (serialWall, forWall, laneWall) = (Sampler.Median(samples[0]), Sampler.Median(samples[1]), Sampler.Median(samples[2]));
        // The speedups are compared round by round (Parallel.For's wall / the lane's, same round): the second vCPU of
        // this kind of VM comes and goes, and each contender's own median can land on either side of that.
        var paired = Sampler.PairedMedianRatio(samples[1], samples[2]);
        var forSpeedup = serialWall / forWall;
        context.Note($"cpu: median walls: serial {serialWall * 1000:0.00} ms, Parallel.For {forWall * 1000:0.00} ms, " +
                     $"Cpu lane {laneWall * 1000:0.00} ms ({Environment.ProcessorCount} cores); median of the rounds' " +
                     $"Parallel.For / Cpu lane walls {paired:0.000} (of the medians {forWall / laneWall:0.000}).");
        return
        [
            new(Name, $"Cpu lane wall, {BigItems} × sum of squares to {count}", laneWall * 1000, "ms", Better.Lower,
                "raw Parallel.For", forWall * 1000),
            // The lane's speedup is Parallel.For's times the paired ratio, so the figure's ratio is the paired one.
            new(Name, $"Cpu lane speedup over serial, {BigItems} × sum of squares to {count}", forSpeedup * paired, "x",
                Better.Higher, "Parallel.For speedup over serial", forSpeedup, "≥ 0.95"),
        ];
    }

    private async Task<Measurement> TinyItemsAsync(BenchContext context, Lane lane, int n, int rounds,
        CancellationToken cancellationToken)
    {
        var work = new CpuWorkload("tiny items", n, Tiny);
        // The window is set so that chunks really hold ChunkSize items: MapOptions caps ChunkSize at the window,
        // and the Cpu lane's default window (twice its workers) would cut the chunks down to a few items.
        var options = new MapOptions { ChunkSize = ChunkSize, Window = 2 * lane.Parallelism * ChunkSize };
        var source = Enumerable.Range(0, n).Select(i => (long)i);
        Func<Task> laned = async () =>
            work.Check("Cpu lane", await lane.MapAsync(source, work.Item, options).ConfigureAwait(false));

        var count = n.ToString("#,0", CultureInfo.InvariantCulture);
        context.Note($"cpu: {count} tiny items, chunks of {ChunkSize:#,0}, {rounds} round(s) after a warm-up ...");
        var walls = await Sampler.MedianSecondsAsync(rounds, [work.Serial, work.ParallelFor, laned], cancellationToken)
            .ConfigureAwait(false);
        context.Note($"cpu: one tiny item ({TinySteps} dependent multiply-adds) takes {walls[0] / n * 1e9:0} ns serially.");
        return new(Name, $"Cpu lane tiny items/s, {count} items in chunks of {ChunkSize:#,0}", n / walls[2], "items/s",
            Better.Higher, "raw Parallel.For over the same items", n / walls[1], "≥ 0.5");
    }

    /// <summary>1² + 2² + … + n², in long arithmetic.</summary>
    private static long SumOfSquares(long n)
    {
        long sum = 0;
        for (long i = 1; i <= n; i++) sum += i * i;
        return sum;
    }

    /// <summary>A tiny item: <see cref="TinySteps"/> dependent multiply-adds (a linear congruential step).</summary>
    private static long Tiny(long seed)
    {
        var x = seed;
        for (var k = 0; k < TinySteps; k++) x = unchecked(x * 6364136223846793005L + 1442695040888963407L);
        return x;
    }
}
