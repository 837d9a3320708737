using Switchyard.Diagnostics;

namespace Switchyard;

/// <summary>
/// The counters behind one stage's <see cref="StageStatistics"/> and its <c>switchyard.pipeline.stage.items</c>
/// metric. Lock-free: every transition is an interlocked operation.
/// </summary>
internal sealed class StageCounters
{
    private readonly KeyValuePair<string, object?> _stageTag;
    private readonly Lane? _lane;
    private Func<int> _queued = static () => 0;
    private long _received, _inFlight, _completed, _failed, _cancelled;

    public StageCounters(string name, Lane? lane, int concurrency, int capacity)
    {
        Name = name;
        _lane = lane;
        Concurrency = concurrency;
        Capacity = capacity;
        _stageTag = new("switchyard.stage", name);
    }

    public string Name { get; }

    public int Concurrency { get; }

    public int Capacity { get; }

    /// <summary>Reads how many items wait in the stage's input channel (set once the channel exists).</summary>
    public void ObserveQueue(Func<int> queued) => _queued = queued;

    /// <summary>A worker took an item: it is in flight until <see cref="Ended"/>.</summary>
    public void Received()
    {
        Interlocked.Increment(ref _received);
        Interlocked.Increment(ref _inFlight);
    }

    public void Ended(ItemOutcome outcome)
    {
        Interlocked.Decrement(ref _inFlight);
        Count(outcome);
    }

    /// <summary>A failure that held no item (the source's pull threw).</summary>
    public void FailedWithoutItem() => Count(ItemOutcome.Failed);

    private void Count(ItemOutcome outcome)
    {
        switch (outcome)
        {
            case ItemOutcome.Completed: Interlocked.Increment(ref _completed); break;
            case ItemOutcome.Failed: Interlocked.Increment(ref _failed); break;
            default: Interlocked.Increment(ref _cancelled); break;
        }
        if (SwitchyardDiagnostics.StageItemsCounter.Enabled)
            SwitchyardDiagnostics.StageItemsCounter.Add(1, _stageTag, new("switchyard.outcome", outcome.Tag()));
    }

    public StageStatistics Snapshot() => new(
        Name, _lane?.Name, _lane?.Kind, Concurrency, Capacity,
        Volatile.Read(ref _received), _queued(), Volatile.Read(ref _inFlight),
        Volatile.Read(ref _completed), Volatile.Read(ref _failed), Volatile.Read(ref _cancelled));
}
