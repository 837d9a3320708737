namespace Switchyard;

/// <summary>A point-in-time snapshot of a lane's counters.</summary>
/// <param name="Lane">The lane's name.</param>
/// <param name="Kind">The lane's kind.</param>
/// <param name="Queued">Items accepted and waiting for a slot or a thread.</param>
/// <param name="InFlight">Items running now (for async work: started and not yet finished).</param>
/// <param name="Completed">Items that finished with a result.</param>
/// <param name="Failed">Items that threw.</param>
/// <param name="Cancelled">Items that ended by cancellation of their token.</param>
public readonly record struct LaneStatistics(
    string Lane, LaneKind Kind, long Queued, long InFlight, long Completed, long Failed, long Cancelled)
{
    /// <summary>The lane's concurrency now: its limit, worker count, 1 for a loop, or the Auto lane's adaptive limit.</summary>
    public int Limit { get; init; }

    /// <summary>For the Auto lane: where it routes the work (Io or Cpu) once it has decided; otherwise null.</summary>
    public LaneKind? Route { get; init; }

    /// <summary>Items that have ended, one way or another.</summary>
    public long Finished => Completed + Failed + Cancelled;
}
