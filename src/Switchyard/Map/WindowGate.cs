namespace Switchyard.Map;

/// <summary>
/// Counts the items a map may hold ahead of its consumer. One waiter (the pump) takes up to a chunk of
/// permits at once; the consumer gives them back as it yields. A semaphore would cost one wait per item,
/// which is more than a tiny item costs to run.
/// </summary>
internal sealed class WindowGate(int size)
{
    private readonly Lock _lock = new();
    private int _available = size;
    private TaskCompletionSource? _waiter;

    /// <summary>Takes between 1 and <paramref name="most"/> permits, waiting while there are none.</summary>
    public async ValueTask<int> AcquireAsync(int most, CancellationToken cancellationToken)
    {
        while (true)
        {
            TaskCompletionSource waiter;
            lock (_lock)
            {
                if (_available > 0)
                {
                    var taken = Math.Min(most, _available);
                    _available -= taken;
                    return taken;
                }
                waiter = _waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Gives back <paramref name="count"/> permits.</summary>
    public void Release(int count)
    {
        TaskCompletionSource? waiter;
        lock (_lock)
        {
            _available += count;
            waiter = _waiter;
            _waiter = null;
        }
        waiter?.TrySetResult();
    }
}
