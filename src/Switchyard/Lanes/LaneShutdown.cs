namespace Switchyard;

/// <summary>What <see cref="Lane.DisposeAsync"/> does with work that was accepted but has not finished.</summary>
public enum LaneShutdown
{
    /// <summary>Refuse new work, then wait for every queued and running item to finish.</summary>
    Drain,
    /// <summary>Refuse new work, cancel the token of every queued and running item, then wait for them to end.</summary>
    Cancel,
}
