using Polly.Retry;

namespace Switchyard;

/// <summary>In which order a stream yields results.</summary>
public enum MapOrder
{
    /// <summary>In input order, like Python's <c>imap</c>: a slow item holds back the ones after it (within the window).</summary>
    Input,
    /// <summary>As each item completes, like <c>imap_unordered</c> / <c>as_completed</c>.</summary>
    Completion,
}

/// <summary>Options of <c>MapAsync</c> and <c>Stream</c>.</summary>
public sealed class MapOptions
{
    /// <summary>
    /// How many input items may be pulled ahead of the consumer: read from the source but not yet
    /// yielded (running, waiting for a slot, or finished and waiting for their turn). Input is read
    /// lazily through this window, so an endless source is fine. Default: null, meaning the lane's own default:
    /// on the core lanes a number of chunks (twice the lane's parallelism, between 2 and 4096; 4096 for an
    /// unbounded Io lane; 1024 for a Loop lane) times the chunk size; on the Process lane enough items to keep
    /// every worker fed. A chunk never exceeds the window.
    /// </summary>
    public int? Window { get; init; }

    /// <summary>
    /// How many items travel to the lane as one unit of work. Chunks amortise the per-item cost of the
    /// lane for tiny items (use hundreds or thousands on the Cpu lane). Default: null, meaning the lane's
    /// default: 1, except on the Process lane (like Python's <c>Pool.map</c>: length / (4 × workers) when
    /// the input's length is known).
    /// </summary>
    public int? ChunkSize { get; init; }

    /// <summary>The order a stream yields results in. <c>MapAsync</c> always returns input order. Default: <see cref="MapOrder.Input"/>.</summary>
    public MapOrder Order { get; init; } = MapOrder.Input;

    /// <summary>
    /// The longest one attempt of one item may take; its token is then cancelled and the attempt fails with
    /// Polly's <c>TimeoutRejectedException</c>. A synchronous body that takes no token cannot be interrupted.
    /// Default: null (no timeout).
    /// </summary>
    public TimeSpan? ItemTimeout { get; init; }

    /// <summary>
    /// Retries for failing items (Polly's retry strategy: attempts, backoff, jitter, which exceptions).
    /// The timeout applies to each attempt. Default: null (no retries).
    /// </summary>
    public RetryStrategyOptions? Retry { get; init; }

    /// <summary>The clock for timeouts and retry delays. Default: <see cref="System.TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal static readonly MapOptions Default = new();

    /// <summary>Checks every field, naming the field and the rule.</summary>
    internal void Validate()
    {
        if (Window is < 1) throw Invalid($"MapOptions.Window must be at least 1 (was {Window}).");
        if (ChunkSize is < 1) throw Invalid($"MapOptions.ChunkSize must be at least 1 (was {ChunkSize}).");
        if (ItemTimeout is { } t && t <= TimeSpan.Zero) throw Invalid($"MapOptions.ItemTimeout must be positive (was {t}).");
        if (TimeProvider is null) throw Invalid("MapOptions.TimeProvider must not be null.");
    }

    /// <summary>The window and chunk size a map uses on <paramref name="lane"/>; a chunk never exceeds the window.</summary>
    internal (int Window, int ChunkSize) Resolve(Lane lane, long? knownLength)
    {
        Validate();
        var chunk = ChunkSize ?? lane.DefaultChunkSize(knownLength);
        var window = Window ?? lane.DefaultWindowFor(chunk);
        return (window, Math.Min(chunk, window));
    }

    private static ArgumentException Invalid(string message) => new(message);
}
