namespace Switchyard;

/// <summary>Options every lane shares.</summary>
public abstract class LaneOptions
{
    /// <summary>The lane's name in statistics, metrics and thread names. Default: the kind, lower case ("io", "cpu", "loop").</summary>
    public string? Name { get; init; }

    /// <summary>What disposal does with unfinished work. Default: <see cref="LaneShutdown.Drain"/>.</summary>
    public LaneShutdown Shutdown { get; init; } = LaneShutdown.Drain;

    /// <summary>
    /// On the Io and Loop lanes, an item that holds its thread longer than this raises <see cref="Lane.Stalled"/>
    /// (and a warning on <see cref="Logger"/>): a blocking call inside async code. Null turns detection off.
    /// The Io lane times the synchronous part of each item up to its first await; the Loop lane times every
    /// callback it runs. Default: 50 ms.
    /// </summary>
    public TimeSpan? StallThreshold { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Where the lane logs warnings and decisions. Default: null (no logging).</summary>
    public Microsoft.Extensions.Logging.ILogger? Logger { get; init; }

    /// <summary>The clock used for durations. Default: <see cref="System.TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
