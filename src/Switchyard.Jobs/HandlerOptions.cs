namespace Switchyard.Jobs;

/// <summary>Settings of a handler registered as a delegate.</summary>
public sealed class HandlerOptions
{
    /// <summary>The lane the handler runs on. Default: <see cref="LaneKind.Io"/>.</summary>
    public LaneKind Lane { get; init; } = LaneKind.Io;

    /// <summary>Attempts before a job of this kind is dead, when the job does not say. Default: null (the queue's default, 20).</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>The wait before the retry after attempt N. Default: null (<see cref="RetryBackoff.Default"/>).</summary>
    public Func<int, TimeSpan>? Backoff { get; init; }
}
