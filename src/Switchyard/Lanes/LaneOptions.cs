namespace Switchyard;

/// <summary>Options every lane shares.</summary>
public abstract class LaneOptions
{
    /// <summary>The lane's name in statistics, metrics and thread names. Default: the kind, lower case ("io", "cpu", "loop").</summary>
    public string? Name { get; init; }

    /// <summary>What disposal does with unfinished work. Default: <see cref="LaneShutdown.Drain"/>.</summary>
    public LaneShutdown Shutdown { get; init; } = LaneShutdown.Drain;

    /// <summary>The clock used for durations. Default: <see cref="System.TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
