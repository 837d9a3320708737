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

    public static async Task<double> SecondsAsync(Func<Task> work)
    {
        var began = Stopwatch.GetTimestamp();
        await work().ConfigureAwait(false);
        return Stopwatch.GetElapsedTime(began).TotalSeconds;
    }
}
