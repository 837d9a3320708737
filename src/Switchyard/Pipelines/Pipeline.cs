namespace Switchyard;

/// <summary>Starts a pipeline definition from a source. See <see cref="Pipeline{T}"/>.</summary>
public static class Pipeline
{
    /// <summary>
    /// A pipeline whose source is <paramref name="source"/>. It is enumerated lazily, one item at a time,
    /// on the thread pool (a blocking enumerator holds one pool thread while it blocks).
    /// </summary>
    public static Pipeline<T> From<T>(IEnumerable<T> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return From(source.ToAsyncEnumerable());
    }

    /// <summary>A pipeline whose source is <paramref name="source"/>, enumerated lazily with the run's cancellation token.</summary>
    public static Pipeline<T> From<T>(IAsyncEnumerable<T> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new Pipeline<T>([StageSpec.SourceName], (run, capacity) => PipelineSource.Start(run, source, capacity));
    }
}
