namespace Switchyard.Processes.Work;

/// <summary>
/// Work the lane itself built to ship something (a chunk, an item) to the pool. The lane's core path runs it
/// here, in the parent, to count it; user delegates never look like this, so they are always identified and shipped.
/// </summary>
internal sealed class LocalWork<T>(Func<CancellationToken, Task<T>> run)
{
    public ValueTask<T> RunAsync(CancellationToken cancellationToken) => new(run(cancellationToken));
}
