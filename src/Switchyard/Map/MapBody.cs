using Polly;

namespace Switchyard.Map;

/// <summary>
/// The function a map applies to each item: synchronous or asynchronous, run through a Polly pipeline
/// (retry, per-attempt timeout) when the options ask for one.
/// </summary>
internal sealed class MapBody<TIn, TOut>
{
    private readonly Func<TIn, TOut>? _sync;
    private readonly Func<TIn, CancellationToken, ValueTask<TOut>>? _async;
    private readonly ResiliencePipeline? _resilience;

    private MapBody(Func<TIn, TOut>? sync, Func<TIn, CancellationToken, ValueTask<TOut>>? async, MapOptions options)
    {
        _sync = sync;
        _async = async;
        _resilience = BuildResilience(options);
    }

    public static MapBody<TIn, TOut> Of(Func<TIn, TOut> body, MapOptions options) =>
        new(body ?? throw new ArgumentNullException(nameof(body)), null, options);

    public static MapBody<TIn, TOut> Of(Func<TIn, CancellationToken, ValueTask<TOut>> body, MapOptions options) =>
        new(null, body ?? throw new ArgumentNullException(nameof(body)), options);

    /// <summary>The user's delegate: its method is the work's identity where work must travel (the Process lane).</summary>
    public Delegate Delegate => (Delegate?)_sync ?? _async!;

    /// <summary>True when each item can run as a plain call, with no await and no pipeline.</summary>
    public bool IsPlainSync => _sync is not null && _resilience is null;

    public TOut Invoke(TIn item) => _sync!(item);

    public ValueTask<TOut> InvokeAsync(TIn item, CancellationToken cancellationToken)
    {
        if (_resilience is null) return InvokeOnce(item, cancellationToken);
        return _resilience.ExecuteAsync(
            static (state, ct) => state.Body.InvokeOnce(state.Item, ct), (Body: this, Item: item), cancellationToken);
    }

    private ValueTask<TOut> InvokeOnce(TIn item, CancellationToken cancellationToken) =>
        _async is not null ? _async(item, cancellationToken) : new ValueTask<TOut>(_sync!(item));

    private static ResiliencePipeline? BuildResilience(MapOptions options)
    {
        if (options.Retry is null && options.ItemTimeout is null) return null;
        var builder = new ResiliencePipelineBuilder { TimeProvider = options.TimeProvider };
        if (options.Retry is not null) builder.AddRetry(options.Retry);
        if (options.ItemTimeout is { } timeout) builder.AddTimeout(timeout);
        return builder.Build();
    }
}
