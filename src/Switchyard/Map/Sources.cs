namespace Switchyard.Map;

/// <summary>Opens a map's input as one kind of enumerator, whatever its kind, inside the pump.</summary>
internal static class Sources
{
    public static Func<CancellationToken, IAsyncEnumerator<T>> Open<T>(IEnumerable<T> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return _ => new SyncEnumerator<T>(source.GetEnumerator());
    }

    public static Func<CancellationToken, IAsyncEnumerator<T>> Open<T>(IAsyncEnumerable<T> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.GetAsyncEnumerator;
    }

    /// <summary>A synchronous enumerator seen as an async one: no allocation per item.</summary>
    private sealed class SyncEnumerator<T>(IEnumerator<T> inner) : IAsyncEnumerator<T>
    {
        public T Current => inner.Current;

        public ValueTask<bool> MoveNextAsync() => new(inner.MoveNext());

        public ValueTask DisposeAsync()
        {
            inner.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
