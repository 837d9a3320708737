using System.Threading.RateLimiting;

namespace Switchyard;

/// <summary>Options of the <see cref="LaneKind.Io"/> lane.</summary>
public sealed class IoLaneOptions : LaneOptions
{
    /// <summary>Pass as <see cref="MaxConcurrency"/> for no limit at all.</summary>
    public const int Unbounded = int.MaxValue;

    /// <summary>
    /// How many items may be in flight at once; the rest wait in order. Default: 1024.
    /// <see cref="Unbounded"/> removes the limiter entirely.
    /// </summary>
    public int MaxConcurrency { get; init; } = 1024;

    /// <summary>
    /// An optional rate limit (for example a <see cref="TokenBucketRateLimiter"/>): each item takes one
    /// permit before it starts. Default: none. The lane does not own or dispose the limiter.
    /// </summary>
    public RateLimiter? RateLimiter { get; init; }
}
