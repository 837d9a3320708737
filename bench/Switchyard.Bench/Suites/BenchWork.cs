namespace Switchyard.Bench;

/// <summary>The work the process suite sends to worker processes: static methods, so their identity can travel.</summary>
internal static class BenchWork
{
    public const int SquaresTo = 2_000_000;

    public static int Noop(int x) => x;

    /// <summary>A no-op that takes long enough (about 0.2 ms) for a kill to land mid-map.</summary>
    public static int SlowNoop(int x)
    {
        Thread.SpinWait(20_000);
        return x;
    }

    /// <summary>The sum of i² for i below 2,000,000 (fits a long), plus the seed so items differ.</summary>
    public static long SumOfSquares(int seed)
    {
        long sum = seed;
        for (long i = 0; i < SquaresTo; i++) sum += i * i;
        return sum;
    }
}
