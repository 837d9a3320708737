using Microsoft.Extensions.Logging;

namespace Switchyard;

/// <summary>Options of the <see cref="ThreadPoolWatchdog"/>.</summary>
public sealed class ThreadPoolWatchdogOptions
{
    /// <summary>How often a probe is queued to the thread pool. Default: 500 ms.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A probe that waits longer than this to start is reported. Default: 250 ms.</summary>
    public TimeSpan Threshold { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Where reports are logged as warnings. Default: null.</summary>
    public ILogger? Logger { get; init; }
}
