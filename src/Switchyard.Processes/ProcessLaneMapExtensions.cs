using Switchyard.Processes.Work;

namespace Switchyard.Processes;

/// <summary>
/// <c>starmap</c>: map a function of several arguments over tuples. On the Process lane the function's own
/// method travels and each tuple's elements become its arguments; on any other lane the tuple is spread locally.
/// </summary>
public static class ProcessLaneMapExtensions
{
    /// <summary>Applies <paramref name="body"/>(a, b) to every tuple of <paramref name="source"/>; results in input order.</summary>
    public static Task<TOut[]> StarMapAsync<T1, T2, TOut>(this Lane lane, IEnumerable<(T1, T2)> source, Func<T1, T2, TOut> body,
        MapOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return lane.MapAsync(source, new Spread<T1, T2, TOut>(body).Invoke, options, cancellationToken);
    }

    /// <summary>Applies <paramref name="body"/>(a, b, c) to every tuple of <paramref name="source"/>; results in input order.</summary>
    public static Task<TOut[]> StarMapAsync<T1, T2, T3, TOut>(this Lane lane, IEnumerable<(T1, T2, T3)> source, Func<T1, T2, T3, TOut> body,
        MapOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return lane.MapAsync(source, new Spread<T1, T2, T3, TOut>(body).Invoke, options, cancellationToken);
    }
}
