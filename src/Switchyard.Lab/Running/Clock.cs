using System.Diagnostics;

namespace Switchyard.Lab;

/// <summary>Wall time of a piece of work, in seconds.</summary>
internal static class Clock
{
    public static double Seconds(Action work)
    {
        var began = Stopwatch.GetTimestamp();
        work();
        return Stopwatch.GetElapsedTime(began).TotalSeconds;
    }

    /// <summary>The fastest of <paramref name="rounds"/> runs: the one least disturbed by other load.</summary>
    public static double Best(int rounds, Action work) => Enumerable.Range(0, rounds).Min(_ => Seconds(work));

    /// <inheritdoc cref="Best"/>
    public static async Task<double> BestAsync(int rounds, Func<Task> work)
    {
        var best = double.MaxValue;
        for (var i = 0; i < rounds; i++) best = Math.Min(best, await SecondsAsync(work).ConfigureAwait(false));
        return best;
    }

    public static async Task<double> SecondsAsync(Func<Task> work)
    {
        var began = Stopwatch.GetTimestamp();
        await work().ConfigureAwait(false);
        return Stopwatch.GetElapsedTime(began).TotalSeconds;
    }
}
