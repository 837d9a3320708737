namespace Switchyard;

/// <summary>Options of the <see cref="LaneKind.Cpu"/> lane.</summary>
public sealed class CpuLaneOptions : LaneOptions
{
    /// <summary>
    /// How many dedicated worker threads run items at most; they start as queued items find none free.
    /// Default: <see cref="Environment.ProcessorCount"/>.
    /// </summary>
    public int Workers { get; init; } = Environment.ProcessorCount;
}
