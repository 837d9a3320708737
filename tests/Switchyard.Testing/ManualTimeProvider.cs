namespace Switchyard.Testing;

/// <summary>
/// A virtual clock: time moves only when a test calls <see cref="Advance"/>, and every timer
/// due by then fires in due order. Written here because Microsoft.Extensions.TimeProvider.Testing
/// (FakeTimeProvider) is not available from our package mirror.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now;
    private long _ticks;

    /// <summary>Starts the clock at <paramref name="start"/> (default 2026-01-01T00:00Z).</summary>
    public ManualTimeProvider(DateTimeOffset? start = null) => _now = start ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>How many timers are armed now: lets a test wait until code under test is sleeping.</summary>
    public int ArmedTimers { get { lock (_gate) return _timers.Count(t => t.DueTicks is not null); } }

    /// <summary>Raised whenever a timer is armed; tests wait on it instead of sleeping.</summary>
    public event Action? TimerArmed;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() { lock (_gate) return _now; }

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override long GetTimestamp() { lock (_gate) return _ticks; }

    /// <summary>Moves time forward and fires, in due order, every timer that falls due.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        long target;
        lock (_gate) target = _ticks + by.Ticks;
        while (true)
        {
            ManualTimer? next;
            lock (_gate)
            {
                next = _timers.Where(t => t.DueTicks <= target).OrderBy(t => t.DueTicks).FirstOrDefault();
                if (next is null)
                {
                    _now += TimeSpan.FromTicks(target - _ticks);
                    _ticks = target;
                    return;
                }
                var due = next.DueTicks!.Value;
                _now += TimeSpan.FromTicks(due - _ticks);
                _ticks = due;
                next.Rearm();
            }
            next.Fire();
        }
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        lock (_gate) _timers.Add(timer);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class ManualTimer(ManualTimeProvider clock, TimerCallback callback, object? state) : ITimer
    {
        private long _period;
        public long? DueTicks { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._gate)
            {
                _period = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
                DueTicks = dueTime == Timeout.InfiniteTimeSpan ? null : clock._ticks + Math.Max(0, dueTime.Ticks);
            }
            if (DueTicks is not null) clock.TimerArmed?.Invoke();
            return true;
        }

        // Called under the clock's lock when the timer fires.
        public void Rearm() => DueTicks = _period > 0 ? DueTicks + _period : null;

        public void Fire() => callback(state);

        public void Dispose() { lock (clock._gate) { DueTicks = null; clock._timers.Remove(this); } }

        public ValueTask DisposeAsync() { Dispose(); return ValueTask.CompletedTask; }
    }
}
