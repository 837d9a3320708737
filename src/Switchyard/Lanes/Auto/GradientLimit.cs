namespace Switchyard.Lanes.Auto;

/// <summary>
/// An adaptive concurrency limit in the manner of Netflix's concurrency-limits "Gradient": every
/// <c>window</c> completions it compares the recent average latency with the long-run average.
/// gradient = clamp(long / recent, 0.5, 1); new = limit × gradient + √limit, smoothed (0.8 old + 0.2 new),
/// clamped to [min, max]. Flat latency lets the limit grow by about √limit a step (only while the limit is
/// actually used); rising latency — queueing somewhere — shrinks it. Written by hand: no package here has it.
/// </summary>
internal sealed class GradientLimit(int initial, int min, int max, int window)
{
    private readonly Lock _lock = new();
    private readonly Queue<(TaskCompletionSource Waiter, CancellationTokenRegistration Registration)> _waiters = new();
    private double _limit = Math.Clamp(initial, min, max);
    private int _inUse;
    private int _peakInUse;
    private double _longLatency;
    private double _recentSum;
    private int _recentCount;

    public int Current { get { lock (_lock) return (int)_limit; } }

    public int Adjustments { get; private set; }

    public ValueTask AcquireAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        lock (_lock)
        {
            if (_inUse < (int)_limit && _waiters.Count == 0)
            {
                Take();
                return ValueTask.CompletedTask;
            }
            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue((waiter, cancellationToken.Register(static w => ((TaskCompletionSource)w!).TrySetCanceled(), waiter)));
        }
        return new ValueTask(waiter.Task);
    }

    /// <summary>Gives a slot back with the latency of the item that held it, and adapts.</summary>
    public void Release(TimeSpan latency)
    {
        List<TaskCompletionSource>? wake = null;
        lock (_lock)
        {
            _inUse--;
            _recentSum += latency.TotalMilliseconds;
            if (++_recentCount >= window) Adapt();
            while (_inUse < (int)_limit && _waiters.TryDequeue(out var next))
            {
                next.Registration.Dispose();
                if (next.Waiter.Task.IsCompleted) continue; // cancelled while waiting
                Take();
                (wake ??= []).Add(next.Waiter);
            }
        }
        if (wake is not null)
            foreach (var w in wake)
                if (!w.TrySetResult()) Release(TimeSpan.Zero); // cancelled just now: hand the slot on
    }

    private void Take()
    {
        _inUse++;
        if (_inUse > _peakInUse) _peakInUse = _inUse;
    }

    private void Adapt()
    {
        var recent = _recentSum / _recentCount;
        _longLatency = _longLatency == 0 ? recent : _longLatency * 0.9 + recent * 0.1;
        var gradient = recent > 0 ? Math.Clamp(_longLatency / recent, 0.5, 1.0) : 1.0;
        // Growing a limit nobody uses would only let a later burst in unchecked.
        var allowance = _peakInUse >= _limit / 2 ? Math.Sqrt(_limit) : 0;
        var next = _limit * gradient + allowance;
        _limit = Math.Clamp(_limit * 0.8 + next * 0.2, min, max);
        _recentSum = 0;
        _recentCount = 0;
        _peakInUse = _inUse;
        Adjustments++;
    }
}
