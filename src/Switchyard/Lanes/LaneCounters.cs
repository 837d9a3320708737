using System.Diagnostics;
using Switchyard.Diagnostics;

namespace Switchyard;

/// <summary>
/// The counters behind <see cref="Lane.Statistics"/> and the lane's metrics. Lock-free: every
/// transition is one interlocked operation, and metrics are touched only when someone listens.
/// </summary>
internal sealed class LaneCounters
{
    private readonly KeyValuePair<string, object?> _laneTag;
    private readonly KeyValuePair<string, object?> _kindTag;
    private readonly TimeProvider _time;
    private long _queued, _inFlight, _completed, _failed, _cancelled;

    public LaneCounters(string lane, LaneKind kind, TimeProvider time)
    {
        _laneTag = new("switchyard.lane", lane);
        _kindTag = new("switchyard.lane.kind", kind.ToString().ToLowerInvariant());
        _time = time;
    }

    public void Queued()
    {
        Interlocked.Increment(ref _queued);
        if (SwitchyardDiagnostics.QueuedCounter.Enabled) SwitchyardDiagnostics.QueuedCounter.Add(1, _laneTag, _kindTag);
    }

    public void Dequeued()
    {
        Interlocked.Decrement(ref _queued);
        if (SwitchyardDiagnostics.QueuedCounter.Enabled) SwitchyardDiagnostics.QueuedCounter.Add(-1, _laneTag, _kindTag);
    }

    /// <summary>True when someone listens to the per-item instruments: then every item must be seen as it ends.</summary>
    public static bool Observed => SwitchyardDiagnostics.ItemsCounter.Enabled || SwitchyardDiagnostics.DurationHistogram.Enabled
        || SwitchyardDiagnostics.InFlightCounter.Enabled;

    /// <summary>Marks an item started; returns the timestamp to pass to <see cref="Ended"/>.</summary>
    public long Started()
    {
        Interlocked.Increment(ref _inFlight);
        if (SwitchyardDiagnostics.InFlightCounter.Enabled) SwitchyardDiagnostics.InFlightCounter.Add(1, _laneTag, _kindTag);
        return SwitchyardDiagnostics.DurationHistogram.Enabled ? _time.GetTimestamp() : 0;
    }

    public void Ended(ItemOutcome outcome, long startedAt)
    {
        Interlocked.Decrement(ref _inFlight);
        Count(outcome);
        if (SwitchyardDiagnostics.InFlightCounter.Enabled) SwitchyardDiagnostics.InFlightCounter.Add(-1, _laneTag, _kindTag);
        if (SwitchyardDiagnostics.ItemsCounter.Enabled)
            SwitchyardDiagnostics.ItemsCounter.Add(1, _laneTag, _kindTag, new("switchyard.outcome", outcome.Tag()));
        if (startedAt != 0 && SwitchyardDiagnostics.DurationHistogram.Enabled)
            SwitchyardDiagnostics.DurationHistogram.Record(_time.GetElapsedTime(startedAt).TotalSeconds,
                _laneTag, _kindTag, new("switchyard.outcome", outcome.Tag()));
    }

    /// <summary>An item that ended without ever starting (cancelled while queued).</summary>
    public void EndedWhileQueued(ItemOutcome outcome)
    {
        Dequeued();
        Count(outcome);
        if (SwitchyardDiagnostics.ItemsCounter.Enabled)
            SwitchyardDiagnostics.ItemsCounter.Add(1, _laneTag, _kindTag, new("switchyard.outcome", outcome.Tag()));
    }

    public void Stalled()
    {
        if (SwitchyardDiagnostics.StallsCounter.Enabled) SwitchyardDiagnostics.StallsCounter.Add(1, _laneTag, _kindTag);
    }

    private void Count(ItemOutcome outcome)
    {
        switch (outcome)
        {
            case ItemOutcome.Completed: Interlocked.Increment(ref _completed); break;
            case ItemOutcome.Failed: Interlocked.Increment(ref _failed); break;
            default: Interlocked.Increment(ref _cancelled); break;
        }
    }

    public LaneStatistics Snapshot(string name, LaneKind kind) => new(name, kind,
        Volatile.Read(ref _queued), Volatile.Read(ref _inFlight), Volatile.Read(ref _completed),
        Volatile.Read(ref _failed), Volatile.Read(ref _cancelled));

    [Conditional("DEBUG")]
    public void AssertIdle() => Debug.Assert(Volatile.Read(ref _inFlight) == 0 && Volatile.Read(ref _queued) == 0);
}
