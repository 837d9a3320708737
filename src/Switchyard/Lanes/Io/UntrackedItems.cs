namespace Switchyard;

/// <summary>
/// The Io lane's pending items on its hot path, kept without a continuation each: a continuation per item is
/// an object of about 130 bytes, most of what a waiting item would otherwise cost beside its own task.
/// Ended items are counted in sweeps: when the array has doubled since the last sweep (amortised O(1) per item),
/// on every <see cref="Lane.Statistics"/>, on disposal, and once a second while any item is held, so a snapshot
/// is exact when it is taken and an ended item is let go within about a second.
/// </summary>
internal sealed class UntrackedItems(IoLane lane, TimeProvider time) : IDisposable
{
    private const int MinimumSweepAt = 64;
    private static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(1);
    private readonly Lock _lock = new();
    private Task[] _items = new Task[MinimumSweepAt];
    private int _count;
    private int _sweepAt = MinimumSweepAt;
    private ITimer? _timer;
    private bool _timerArmed;

    public T Add<T>(T task) where T : Task
    {
        lock (_lock)
        {
            if (_count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
            _items[_count++] = task;
            if (_count >= _sweepAt) SweepLocked();
            if (!_timerArmed)
            {
                _timerArmed = true;
                if (_timer is null) _timer = time.CreateTimer(static s => ((UntrackedItems)s!).Sweep(), this, SweepEvery, SweepEvery);
                else _timer.Change(SweepEvery, SweepEvery);
            }
        }
        return task;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
            _timerArmed = true; // a late Add after disposal must not re-create the timer
        }
    }

    public void Sweep()
    {
        lock (_lock) SweepLocked();
    }

    /// <summary>Waits until every item has ended and been counted.</summary>
    public async Task DrainAsync()
    {
        while (true)
        {
            Task[] pending;
            lock (_lock)
            {
                SweepLocked();
                if (_count == 0) return;
                pending = _items[.._count];
            }
            try { await Task.WhenAll(pending).ConfigureAwait(false); }
            catch (Exception) { } // their failures belong to their callers; here they are only counted
        }
    }

    private void SweepLocked()
    {
        var kept = 0;
        for (var i = 0; i < _count; i++)
        {
            var task = _items[i];
            if (task.IsCompleted) lane.EndUntracked(task);
            else _items[kept++] = task;
        }
        Array.Clear(_items, kept, _count - kept);
        _count = kept;
        _sweepAt = Math.Max(MinimumSweepAt, kept * 2);
        if (kept == 0 && _timer is not null && _timerArmed)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan); // nothing held: no need to wake
            _timerArmed = false;
        }
    }
}
