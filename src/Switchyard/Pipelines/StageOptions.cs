namespace Switchyard;

/// <summary>Options of one pipeline stage (a <see cref="Pipeline{T}.Then{TOut}(Lane, Func{T, TOut}, StageOptions?)"/> step or the sink).</summary>
public sealed class StageOptions
{
    /// <summary>
    /// The stage's name in statistics, metrics and errors; unique within a pipeline.
    /// Default: <c>stage1</c>, <c>stage2</c>, … by position for a step, <c>sink</c> for the sink.
    /// (<c>source</c> is the source's name.)
    /// </summary>
    public string? Name { get; init; }

    /// <summary>How many workers take items from the stage's input at the same time. Default: 1.</summary>
    public int Concurrency { get; init; } = 1;

    /// <summary>
    /// How many items the stage's bounded input channel holds before writers upstream wait.
    /// Default (<see langword="null"/>): twice <see cref="Concurrency"/>, enough to keep every worker busy.
    /// </summary>
    public int? Capacity { get; init; }

    /// <summary>
    /// Whether the stage hands items on in the order it took them. Default: <see langword="false"/> (in the order
    /// they finish, which with one worker is the same). When set, a worker that finishes early keeps its result
    /// until the items before it have gone on: order costs waiting, not memory. Not allowed on the sink,
    /// which hands nothing on.
    /// </summary>
    public bool Ordered { get; init; }
}
