namespace Switchyard.Tests.Pipelines;

/// <summary>
/// An instrumented source for pipeline tests: counts the items pulled, notes whether it was disposed, and, at
/// every pull, records how far it is ahead of a consumer count the test gives (the pipeline's items in memory).
/// </summary>
internal sealed class CountingSource(long count = long.MaxValue, Func<long>? consumed = null) : IEnumerable<long>
{
    private long _pulled, _maxAhead;
    private int _disposed;

    public long Pulled => Interlocked.Read(ref _pulled);

    /// <summary>The largest (pulled − consumed) seen, counting the item being pulled.</summary>
    public long MaxAhead => Interlocked.Read(ref _maxAhead);

    public bool Disposed => Volatile.Read(ref _disposed) == 1;

    public IEnumerator<long> GetEnumerator()
    {
        try
        {
            for (long i = 0; i < count; i++)
            {
                var pulled = Interlocked.Increment(ref _pulled);
                if (consumed is not null)
                {
                    var ahead = pulled - consumed();
                    long seen;
                    while (ahead > (seen = Interlocked.Read(ref _maxAhead))
                           && Interlocked.CompareExchange(ref _maxAhead, ahead, seen) != seen) { }
                }
                yield return i;
            }
        }
        finally
        {
            Volatile.Write(ref _disposed, 1);
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
