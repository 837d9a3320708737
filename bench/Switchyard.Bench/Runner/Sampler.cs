using System.Diagnostics;

namespace Switchyard.Bench;

/// <summary>
/// Times contenders against each other: one warm-up each, then rounds in which every contender runs once,
/// in turn, so that noise from other work on the machine falls on all of them alike. Reports medians.
/// </summary>
internal static class Sampler
{
    /// <summary>The median wall time, in seconds, of each of <paramref name="contenders"/> (same order).</summary>
    public static async Task<double[]> MedianSecondsAsync(int rounds, IReadOnlyList<Func<Task>> contenders,
        CancellationToken cancellationToken) =>
        (await SecondsAsync(rounds, contenders, cancellationToken).ConfigureAwait(false)).Select(Median).ToArray();

    /// <summary>Every round's wall time, in seconds: one array of <paramref name="rounds"/> per contender (same order).</summary>
    public static async Task<double[][]> SecondsAsync(int rounds, IReadOnlyList<Func<Task>> contenders,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        foreach (var contender in contenders)
            await TimeAsync(contender).ConfigureAwait(false);

        var samples = contenders.Select(_ => new double[rounds]).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < contenders.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                samples[i][round] = await TimeAsync(contenders[i]).ConfigureAwait(false);
            }
        }
        return samples;
    }

    /// <summary>
    /// The median over rounds of <paramref name="numerator"/>[r] / <paramref name="denominator"/>[r]: a paired
    /// comparison. Where the machine's second core comes and goes (a VM), the two contenders of one round share the
    /// same conditions, while the median of each one's own samples can fall on either side of that noise.
    /// </summary>
    public static double PairedMedianRatio(double[] numerator, double[] denominator)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(numerator.Length, denominator.Length);
        return Median(numerator.Select((n, r) => n / denominator[r]).ToArray());
    }

    public static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static async Task<double> TimeAsync(Func<Task> run)
    {
        // Collect first, so a collection owed by the previous run does not land inside this one.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        // Every run starts on a thread-pool thread: the previous run may have ended on a lane's own thread,
        // and the next contender must not start from there.
        return await Task.Run(async () =>
        {
            var started = Stopwatch.GetTimestamp();
            await run().ConfigureAwait(false);
            return Stopwatch.GetElapsedTime(started).TotalSeconds;
        }).ConfigureAwait(false);
    }
}
