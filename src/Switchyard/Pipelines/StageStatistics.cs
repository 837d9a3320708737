namespace Switchyard;

/// <summary>A point-in-time snapshot of one pipeline stage's counters.</summary>
/// <remarks>
/// Counters are read without a lock, so a live snapshot is approximate: for an instant while an item is handed
/// on it may show both in one stage's <see cref="InFlight"/> and the next one's <see cref="Queued"/>. Once the
/// run has ended, <c>Received = InFlight + Completed + Failed + Cancelled</c> holds for every stage but the source
/// (whose failed pull holds no item), and <see cref="InFlight"/> is 0.
/// </remarks>
/// <param name="Stage">The stage's name (<c>source</c> for the source).</param>
/// <param name="Lane">The name of the lane its bodies run on; <see langword="null"/> for the source and a sink without a lane.</param>
/// <param name="LaneKind">The kind of that lane; <see langword="null"/> when there is no lane.</param>
/// <param name="Concurrency">How many workers the stage has (1 for the source).</param>
/// <param name="Capacity">The capacity of its input channel (0 for the source, which has none).</param>
/// <param name="Received">Items taken from its input (for the source: items pulled from the enumerable).</param>
/// <param name="Queued">Items waiting in its input channel now; after a faulted or cancelled run, the items left there unprocessed.</param>
/// <param name="InFlight">Items its workers hold now: running the body, or waiting for room in the next channel.</param>
/// <param name="Completed">Items it finished and handed on (for the sink: items the sink body consumed).</param>
/// <param name="Failed">Items whose body threw (for the source: a failed pull, at most 1).</param>
/// <param name="Cancelled">Items it held when the run was cancelled.</param>
public readonly record struct StageStatistics(
    string Stage, string? Lane, LaneKind? LaneKind, int Concurrency, int Capacity,
    long Received, long Queued, long InFlight, long Completed, long Failed, long Cancelled);
