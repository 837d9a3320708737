using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Switchyard.Map;

namespace Switchyard;

/// <summary>
/// A lazy map over an input on a lane: enumerate it for the values (fail fast: the first failure ends the
/// stream with that exception, after cancelling and awaiting the rest), or enumerate <see cref="Outcomes"/>
/// for every item's value or exception. Each enumeration is a new run. Created by <c>lane.Stream(...)</c>.
/// </summary>
/// <typeparam name="T">The result type.</typeparam>
public abstract class MapStream<T> : IAsyncEnumerable<T>
{
    private protected MapStream()
    {
    }

    /// <summary>Every item's outcome, value or exception, like Python's <c>return_exceptions=True</c>; the stream goes on past failures.</summary>
    public abstract IAsyncEnumerable<Outcome<T>> Outcomes();

    /// <inheritdoc />
    public abstract IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default);
}

internal sealed class MapStream<TIn, TOut>(
    Lane lane, Func<CancellationToken, IAsyncEnumerator<TIn>> open, MapBody<TIn, TOut> body,
    MapOptions options, long? knownLength, CancellationToken callerToken) : MapStream<TOut>
{
    private bool Ordered => options.Order == MapOrder.Input;

    public override IAsyncEnumerator<TOut> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        Values(cancellationToken).GetAsyncEnumerator(cancellationToken);

    public override IAsyncEnumerable<Outcome<TOut>> Outcomes() => AllOutcomes();

    private async IAsyncEnumerable<TOut> Values([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var engine = new MapEngine<TIn, TOut>(lane, body, options, knownLength, Ordered, failFast: true);
        await foreach (var chunk in engine.RunAsync(open, callerToken, cancellationToken).ConfigureAwait(false))
        {
            for (var i = 0; i < chunk.Count; i++)
            {
                if (chunk.ErrorAt(i) is { } error) ExceptionDispatchInfo.Throw(engine.FailureFor(error));
                yield return chunk.Values[i];
            }
        }
    }

    private async IAsyncEnumerable<Outcome<TOut>> AllOutcomes([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var engine = new MapEngine<TIn, TOut>(lane, body, options, knownLength, Ordered, failFast: false);
        await foreach (var chunk in engine.RunAsync(open, callerToken, cancellationToken).ConfigureAwait(false))
        {
            for (var i = 0; i < chunk.Count; i++)
                yield return new Outcome<TOut>(chunk.FirstIndex + i, chunk.Values[i], chunk.ErrorAt(i));
        }
    }

    /// <summary>All values in input order, copied a chunk at a time (the path for <c>MapAsync</c>).</summary>
    public async Task<TOut[]> ToArrayAsync(int? knownCount)
    {
        var engine = new MapEngine<TIn, TOut>(lane, body, options, knownLength, ordered: true, failFast: true);
        var array = knownCount is { } n ? new TOut[n] : null;
        var list = array is null ? new List<TOut>() : null;
        long filled = 0;
        await foreach (var chunk in engine.RunAsync(open, callerToken).ConfigureAwait(false))
        {
            if (chunk.HasErrors)
                for (var i = 0; i < chunk.Count; i++)
                    if (chunk.ErrorAt(i) is { } error) ExceptionDispatchInfo.Throw(engine.FailureFor(error));
            if (array is not null && filled + chunk.Count <= array.Length)
                Array.Copy(chunk.Values, 0, array, filled, chunk.Count);
            else
                (list ??= [.. array!.AsSpan(0, (int)filled)]).AddRange(chunk.Values);
            filled += chunk.Count;
        }
        if (list is not null) return [.. list];
        return filled == array!.Length ? array : array[..(int)filled];
    }
}
