using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace Switchyard.Map;

/// <summary>
/// One run of a map or stream: a pump reads the input lazily through the window, cuts it into chunks and
/// hands each to the lane; finished chunks come back in input order or as they complete. However the
/// consumer leaves (end, break, failure, cancellation), the run cancels what is left and awaits every
/// chunk before it ends: no work outlives the enumeration.
/// </summary>
internal sealed class MapEngine<TIn, TOut> : IMapFailureSink
{
    private readonly Lane _lane;
    private readonly MapBody<TIn, TOut> _body;
    private readonly int _window;
    private readonly int _chunkSize;
    private readonly bool _ordered;
    private readonly bool _failFast;
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel<MapChunk<TIn, TOut>> _finished;
    private CancellationTokenSource? _run;
    private Exception? _firstFailure;
    private Exception? _sourceFailure;
    private int _pending = 1; // the pump, plus one per chunk not yet finished

    public MapEngine(Lane lane, MapBody<TIn, TOut> body, MapOptions options, long? knownLength, bool ordered, bool failFast)
    {
        _lane = lane;
        _body = body;
        (_window, _chunkSize) = options.Resolve(lane, knownLength);
        _ordered = ordered;
        _failFast = failFast;
        _finished = Channel.CreateUnbounded<MapChunk<TIn, TOut>>(
            new UnboundedChannelOptions { SingleReader = true, SingleWriter = ordered });
    }

    /// <summary>
    /// The exception a fail-fast consumer should throw on meeting <paramref name="seen"/>: the first real
    /// failure of the run, rather than a cancellation that it caused in a sibling.
    /// </summary>
    public Exception FailureFor(Exception seen) => Volatile.Read(ref _firstFailure) ?? seen;

    /// <summary>Yields finished chunks; the permits of a chunk return to the window once the consumer comes back for the next.</summary>
    public async IAsyncEnumerable<MapChunk<TIn, TOut>> RunAsync(
        Func<CancellationToken, IAsyncEnumerator<TIn>> openSource,
        CancellationToken callerToken,
        [EnumeratorCancellation] CancellationToken consumerToken = default)
    {
        using var run = CancellationTokenSource.CreateLinkedTokenSource(callerToken, consumerToken);
        _run = run;
        using var activity = SwitchyardDiagnostics.ActivitySource.StartActivity("switchyard.map");
        activity?.SetTag("switchyard.lane", _lane.Name);
        activity?.SetTag("switchyard.map.chunk_size", _chunkSize);
        activity?.SetTag("switchyard.map.window", _window);

        var gate = new WindowGate(_window);
        var pump = PumpAsync(openSource, gate, run.Token);
        try
        {
            await foreach (var chunk in _finished.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                if (_ordered) await chunk.Done.ConfigureAwait(false);
                if (run.IsCancellationRequested && (callerToken.IsCancellationRequested || consumerToken.IsCancellationRequested))
                    break;
                if (Volatile.Read(ref _sourceFailure) is not null) break;
                yield return chunk;
                gate.Release(chunk.Count);
            }
        }
        finally
        {
            // Normal end: nothing is left and this is a no-op. Early exit: stop the pump and every item.
            await run.CancelAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(false);
            await _idle.Task.ConfigureAwait(false);
            activity?.SetStatus(_firstFailure is null && _sourceFailure is null ? ActivityStatusCode.Ok : ActivityStatusCode.Error);
        }

        callerToken.ThrowIfCancellationRequested();
        consumerToken.ThrowIfCancellationRequested();
        if (_sourceFailure is not null) ExceptionDispatchInfo.Throw(_sourceFailure);
    }

    void IMapFailureSink.ItemFailed(Exception error)
    {
        if (!_failFast) return;
        var run = _run!;
        // A cancellation that follows our own cancel is a consequence, not a cause.
        if (error is OperationCanceledException && run.IsCancellationRequested) return;
        if (Interlocked.CompareExchange(ref _firstFailure, error, null) is null)
            run.Cancel();
    }

    private async Task PumpAsync(Func<CancellationToken, IAsyncEnumerator<TIn>> openSource, WindowGate gate, CancellationToken token)
    {
        await Task.Yield(); // the consumer starts reading while the pump fills the window
        IAsyncEnumerator<TIn>? source = null;
        try
        {
            source = openSource(token);
            long index = 0;
            var end = false;
            while (!end && !token.IsCancellationRequested)
            {
                var permits = await gate.AcquireAsync(_chunkSize, token).ConfigureAwait(false);
                var items = new TIn[permits];
                var count = 0;
                while (count < permits)
                {
                    if (!await source.MoveNextAsync().ConfigureAwait(false)) { end = true; break; }
                    items[count++] = source.Current;
                }
                if (count > 0)
                {
                    Submit(new MapChunk<TIn, TOut>(items, count, index, _body, this), token);
                    index += count;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _sourceFailure = e;
            await _run!.CancelAsync().ConfigureAwait(false);
        }
        finally
        {
            if (source is not null) await source.DisposeAsync().ConfigureAwait(false);
            if (_ordered) _finished.Writer.TryComplete();
            Leave();
        }
    }

    private void Submit(MapChunk<TIn, TOut> chunk, CancellationToken token)
    {
        Interlocked.Increment(ref _pending);
        chunk.Done = RunChunkAsync(chunk, token);
        if (_ordered) _finished.Writer.TryWrite(chunk); // after Done is set: the consumer awaits it
    }

    private async Task RunChunkAsync(MapChunk<TIn, TOut> chunk, CancellationToken token)
    {
        try
        {
            await _lane.RunChunkAsync(chunk, token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The lane refused or dropped the chunk before it ran (disposed, cancelled while queued).
            chunk.FailRemaining(e);
        }
        finally
        {
            if (!_ordered) _finished.Writer.TryWrite(chunk);
            Leave();
        }
    }

    private void Leave()
    {
        if (Interlocked.Decrement(ref _pending) != 0) return;
        if (!_ordered) _finished.Writer.TryComplete();
        _idle.TrySetResult();
    }
}
