namespace Switchyard;

/// <summary>
/// A running pipeline, returned by <see cref="Pipeline{T}.Start(Func{T, CancellationToken, ValueTask}, CancellationToken)"/>:
/// await <see cref="Completion"/>, read <see cref="Statistics"/> at any time.
/// </summary>
public sealed class PipelineRun
{
    private readonly PipelineRunContext _run;

    internal PipelineRun(PipelineRunContext run) => _run = run;

    /// <summary>
    /// Ends after every worker of every stage has ended: completed once the sink has consumed every item;
    /// faulted with a <see cref="PipelineStageException"/> (naming the stage, the original as its inner
    /// exception) when a source pull, a stage body or the sink threw first; cancelled when the caller's token fired.
    /// </summary>
    public Task Completion => _run.Completion;

    /// <summary>A snapshot of every stage's counters, live while the run goes on: the source first, the sink last.</summary>
    public IReadOnlyList<StageStatistics> Statistics() => _run.Stages.Select(static s => s.Snapshot()).ToArray();
}
