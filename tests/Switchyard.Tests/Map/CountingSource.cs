namespace Switchyard.Tests.Map;

/// <summary>
/// An endless (or finite) input that counts what was pulled, and checks at every pull that the map holds
/// no more than <paramref name="window"/> items ahead of what the consumer has taken.
/// </summary>
internal sealed class CountingSource(int? length = null, int? window = null) : IEnumerable<int>
{
    private int _pulled;
    private int _consumed;
    private int _worstAhead;

    public int Pulled => Volatile.Read(ref _pulled);
    public int WorstAhead => Volatile.Read(ref _worstAhead);

    /// <summary>The consumer calls this for every item it takes.</summary>
    public void Consumed() => Interlocked.Increment(ref _consumed);

    public IEnumerator<int> GetEnumerator()
    {
        for (var i = 0; length is null || i < length; i++)
        {
            var ahead = Interlocked.Increment(ref _pulled) - Volatile.Read(ref _consumed);
            if (ahead > _worstAhead) _worstAhead = ahead;
            if (window is { } w && ahead > w)
                throw new InvalidOperationException($"{ahead} items pulled ahead of the consumer, window {w}");
            yield return i;
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
