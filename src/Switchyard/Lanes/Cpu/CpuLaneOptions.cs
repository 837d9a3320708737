namespace Switchyard;

/// <summary>Options of the <see cref="LaneKind.Cpu"/> lane.</summary>
public sealed class CpuLaneOptions : LaneOptions
{
    /// <summary>How many dedicated worker threads run items. Default: <see cref="Environment.ProcessorCount"/>.</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;
}
