namespace Switchyard;

/// <summary>
/// The first fault of a pipeline run, as <see cref="PipelineRun.Completion"/> reports it: names the stage
/// (<c>source</c>, a step, or the sink) and carries the original exception as <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class PipelineStageException : Exception
{
    /// <summary>Creates the exception for a fault in <paramref name="stage"/> caused by <paramref name="innerException"/>.</summary>
    public PipelineStageException(string stage, Exception innerException)
        : base($"Pipeline stage '{stage}' failed: {innerException?.Message}", innerException)
    {
        ArgumentNullException.ThrowIfNull(stage);
        ArgumentNullException.ThrowIfNull(innerException);
        Stage = stage;
    }

    /// <summary>The name of the stage that failed first.</summary>
    public string Stage { get; }
}
