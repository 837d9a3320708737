using Switchyard.Map;

namespace Switchyard;

/// <summary>
/// Map an input over a lane. <c>MapAsync</c> returns every result in input order (Python's <c>map</c>);
/// <c>Stream</c> yields them lazily in input order (<c>imap</c>) or as they complete (<c>imap_unordered</c>,
/// <c>as_completed</c>), and its <c>Outcomes()</c> carries failures as values (<c>return_exceptions=True</c>).
/// The input is read lazily through a bounded window (<see cref="MapOptions.Window"/>), never all at once.
/// </summary>
public static class LaneMapExtensions
{
    /// <summary>Applies synchronous <paramref name="body"/> to every item on <paramref name="lane"/>; results in input order. Fails fast.</summary>
    public static Task<TOut[]> MapAsync<TIn, TOut>(this Lane lane, IEnumerable<TIn> source, Func<TIn, TOut> body,
        MapOptions? options = null, CancellationToken cancellationToken = default) =>
        Create(lane, Sources.Open(source), KnownCount(source), body, options, cancellationToken).ToArrayAsync(KnownCount(source));

    /// <summary>Applies asynchronous <paramref name="body"/> to every item on <paramref name="lane"/>; results in input order. Fails fast.</summary>
    public static Task<TOut[]> MapAsync<TIn, TOut>(this Lane lane, IEnumerable<TIn> source, Func<TIn, CancellationToken, ValueTask<TOut>> body,
        MapOptions? options = null, CancellationToken cancellationToken = default) =>
        Create(lane, Sources.Open(source), KnownCount(source), body, options, cancellationToken).ToArrayAsync(KnownCount(source));

    /// <summary>Applies synchronous <paramref name="body"/> to every item of an async input on <paramref name="lane"/>; results in input order. Fails fast.</summary>
    public static Task<TOut[]> MapAsync<TIn, TOut>(this Lane lane, IAsyncEnumerable<TIn> source, Func<TIn, TOut> body,
        MapOptions? options = null, CancellationToken cancellationToken = default) =>
        Create(lane, Sources.Open(source), null, body, options, cancellationToken).ToArrayAsync(null);

    /// <summary>Applies asynchronous <paramref name="body"/> to every item of an async input on <paramref name="lane"/>; results in input order. Fails fast.</summary>
    public static Task<TOut[]> MapAsync<TIn, TOut>(this Lane lane, IAsyncEnumerable<TIn> source, Func<TIn, CancellationToken, ValueTask<TOut>> body,
        MapOptions? options = null, CancellationToken cancellationToken = default) =>
        Create(lane, Sources.Open(source), null, body, options, cancellationToken).ToArrayAsync(null);

    /// <summary>A lazy stream of synchronous <paramref name="body"/> over the input, in <see cref="MapOptions.Order"/>.</summary>
    public static MapStream<TOut> Stream<TIn, TOut>(this Lane lane, IEnumerable<TIn> source, Func<TIn, TOut> body,
        MapOptions? options = null, CancellationToken cancellationToken = default) =>
        Create(lane, Sources.Open(source), KnownCount(source), body, options, cancellationToken);

    /// <summary>A lazy stream of asynchronous <paramref name="body"/> over the input, in <see cref="MapOptions.Order"/>.</summary>
    public static MapStream<TOut> Stream<TIn, TOut>(this Lane lane, IEnumerable<TIn> source, Func<TIn, CancellationToken, ValueTask<TOut>> body,
        MapOptions? options = null, CancellationToken cancellationToken = default) =>
        Create(lane, Sources.Open(source), KnownCount(source), body, options, cancellationToken);

    /// <summary>A lazy stream of synchronous <paramref name="body"/> over an async input, in <see cref="MapOptions.Order"/>.</summary>
    public static MapStream<TOut> Stream<TIn, TOut>(this Lane lane, IAsyncEnumerable<TIn> source, Func<TIn, TOut> body,
        MapOptions? options = null, CancellationToken cancellationToken = default) =>
        Create(lane, Sources.Open(source), null, body, options, cancellationToken);

    /// <summary>A lazy stream of asynchronous <paramref name="body"/> over an async input, in <see cref="MapOptions.Order"/>.</summary>
    public static MapStream<TOut> Stream<TIn, TOut>(this Lane lane, IAsyncEnumerable<TIn> source, Func<TIn, CancellationToken, ValueTask<TOut>> body,
        MapOptions? options = null, CancellationToken cancellationToken = default) =>
        Create(lane, Sources.Open(source), null, body, options, cancellationToken);

    private static MapStream<TIn, TOut> Create<TIn, TOut>(Lane lane, Func<CancellationToken, IAsyncEnumerator<TIn>> open, long? knownLength,
        Func<TIn, TOut> body, MapOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lane);
        options = Checked(lane, options);
        return new MapStream<TIn, TOut>(lane, open, MapBody<TIn, TOut>.Of(body, options), options, knownLength, cancellationToken);
    }

    private static MapStream<TIn, TOut> Create<TIn, TOut>(Lane lane, Func<CancellationToken, IAsyncEnumerator<TIn>> open, long? knownLength,
        Func<TIn, CancellationToken, ValueTask<TOut>> body, MapOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lane);
        options = Checked(lane, options);
        return new MapStream<TIn, TOut>(lane, open, MapBody<TIn, TOut>.Of(body, options), options, knownLength, cancellationToken);
    }

    // Refuse bad options at the call, not at the first enumeration.
    private static MapOptions Checked(Lane lane, MapOptions? options)
    {
        options ??= MapOptions.Default;
        options.Validate();
        return options;
    }

    private static int? KnownCount<T>(IEnumerable<T> source) => source.TryGetNonEnumeratedCount(out var n) ? n : null;
}
