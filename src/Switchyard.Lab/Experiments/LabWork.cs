namespace Switchyard.Lab.Experiments;

/// <summary>
/// The work the experiments send to the Process lane: static methods, because only a method's identity travels to
/// a worker process.
/// </summary>
internal static class LabWork
{
    /// <summary>CPU-bound: the sum of i² below <paramref name="loops"/> (wrapping), so the loop cannot be dropped.</summary>
    public static long Burn(long loops)
    {
        long sum = 0;
        for (long i = 0; i < loops; i++) sum = unchecked(sum + i * i);
        return sum;
    }

    public static int Noop(int x) => x;
}
