namespace Switchyard.Map;

/// <summary>
/// A run of consecutive input items that travels to a lane as one unit of work, and the place their
/// results come back to. Processing never throws: each item's exception is kept beside its value.
/// A lane that runs work elsewhere (the Process lane) reads <see cref="Items"/> and the body's
/// <see cref="MapBody{TIn,TOut}.Delegate"/>, then fills results with <see cref="SetValue"/> / <see cref="SetError"/>.
/// </summary>
internal sealed class MapChunk<TIn, TOut>
{
    private readonly IMapFailureSink _failures;
    private Exception?[]? _errors;

    public MapChunk(TIn[] items, int count, long firstIndex, MapBody<TIn, TOut> body, IMapFailureSink failures)
    {
        Items = items;
        Count = count;
        FirstIndex = firstIndex;
        Body = body;
        Values = new TOut[count];
        _failures = failures;
    }

    public TIn[] Items { get; }
    public int Count { get; }
    public long FirstIndex { get; }
    public MapBody<TIn, TOut> Body { get; }
    public TOut[] Values { get; }

    /// <summary>Set when the chunk has finished, one way or another.</summary>
    public Task Done { get; set; } = Task.CompletedTask;

    public Exception? ErrorAt(int i) => _errors?[i];

    public bool HasErrors => _errors is not null;

    public void SetValue(int i, TOut value) => Values[i] = value;

    public void SetError(int i, Exception error)
    {
        (_errors ??= new Exception?[Count])[i] = error;
        _failures.ItemFailed(error);
    }

    /// <summary>Marks every item that has neither value nor error yet as failed with <paramref name="error"/>.</summary>
    public void FailRemaining(Exception error, int from = 0)
    {
        for (var i = from; i < Count; i++)
            if (_errors?[i] is null) SetError(i, error);
    }

    /// <summary>Runs a plain synchronous body over the items, checking the token between items.</summary>
    public bool Process(CancellationToken cancellationToken)
    {
        for (var i = 0; i < Count; i++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                FailRemaining(new OperationCanceledException(cancellationToken), i);
                break;
            }
            try { Values[i] = Body.Invoke(Items[i]); }
            catch (Exception e) { SetError(i, e); }
        }
        return true;
    }

    /// <summary>Runs the body over the items one after another, awaiting each.</summary>
    public async ValueTask<bool> ProcessAsync(CancellationToken cancellationToken)
    {
        for (var i = 0; i < Count; i++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                FailRemaining(new OperationCanceledException(cancellationToken), i);
                break;
            }
            try { Values[i] = await Body.InvokeAsync(Items[i], cancellationToken).ConfigureAwait(false); }
            catch (Exception e) { SetError(i, e); }
        }
        return true;
    }
}

/// <summary>Told of every item failure as it happens, so a fail-fast map can stop at once.</summary>
internal interface IMapFailureSink
{
    void ItemFailed(Exception error);
}
