namespace Switchyard.Bench;

/// <summary>
/// <c>count</c> independent CPU-bound items, each <c>item(index)</c>, with the serial and
/// <c>Parallel.For</c> baselines over them and a check that every contender computed every result.
/// </summary>
internal sealed class CpuWorkload(string what, int count, Func<long, long> item)
{
    private readonly long[] _results = new long[count];
    private long? _expected;

    public Func<long, long> Item => item;

    /// <summary>Every item in turn on the calling thread.</summary>
    public Task Serial()
    {
        for (var i = 0; i < count; i++) _results[i] = item(i);
        Check("serial", _results);
        return Task.CompletedTask;
    }

    /// <summary>The baseline: raw <c>Parallel.For</c> over the same items.</summary>
    public Task ParallelFor()
    {
        Parallel.For(0, count, i => _results[i] = item(i));
        Check("Parallel.For", _results);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Throws unless <paramref name="results"/> (one per item) sum (wrapping) to what a serial pass computes, so a
    /// contender that skipped items, or work the JIT could drop, cannot go unnoticed; then clears them.
    /// </summary>
    public void Check(string who, long[] results)
    {
        if (results.Length != count)
            throw new InvalidOperationException($"cpu: {who} returned {results.Length} results for {count} items.");
        _expected ??= Enumerable.Range(0, count).Aggregate(0L, (sum, i) => unchecked(sum + item(i)));
        var sum = 0L;
        foreach (var result in results) sum = unchecked(sum + result);
        if (sum != _expected)
            throw new InvalidOperationException($"cpu: {who} computed {what} summing to {sum}, expected {_expected}.");
        Array.Clear(results);
    }
}
