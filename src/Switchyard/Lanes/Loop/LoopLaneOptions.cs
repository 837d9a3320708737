namespace Switchyard;

/// <summary>Options of the <see cref="LaneKind.Loop"/> lane.</summary>
public sealed class LoopLaneOptions : LaneOptions
{
}
