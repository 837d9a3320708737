namespace Switchyard;

/// <summary>Where to run a piece of work and how many at once, with the reasoning behind it.</summary>
/// <param name="Lane">The lane to use.</param>
/// <param name="Concurrency">How many items at once (workers for the Cpu lane, the limit for the Io lane).</param>
/// <param name="Reasoning">The steps that led there, one sentence each, for people.</param>
public sealed record Recommendation(LaneKind Lane, int Concurrency, IReadOnlyList<string> Reasoning);
