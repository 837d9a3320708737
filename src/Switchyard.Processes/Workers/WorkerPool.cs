using System.Collections.Concurrent;
using System.Threading.Channels;
using Switchyard.Processes.Protocol;

namespace Switchyard.Processes.Workers;

/// <summary>
/// The pool: one shared queue of dispatches and one slot per worker. Each slot starts a worker, feeds it from the
/// queue until it dies, is recycled or the pool stops, then starts the next one. A dead worker's unanswered items
/// go back to the queue (or fail, for the one it was running), so one death never touches another worker's items.
/// </summary>
internal sealed class WorkerPool : IAsyncDisposable
{
    private readonly Channel<Dispatch> _queue = Channel.CreateUnbounded<Dispatch>(new UnboundedChannelOptions { SingleWriter = false, SingleReader = false });
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<MethodRef, int> _methodIds = new();
    private readonly ConcurrentDictionary<int, MethodRef> _methods = new();
    private readonly WorkerProcess?[] _slots;
    private readonly Task[] _loops;
    private long _restarts, _recycles, _done, _failed;
    private int _nextDispatchId;
    private int _idleWorkers;
    private int _disposed;

    public WorkerPool(WorkerSettings settings)
    {
        Settings = settings;
        _slots = new WorkerProcess?[settings.Workers];
        _loops = new Task[settings.Workers];
        for (var i = 0; i < _loops.Length; i++)
        {
            var slot = i;
            _loops[i] = Task.Run(() => SlotLoopAsync(slot));
        }
    }

    public WorkerSettings Settings { get; }

    public ChannelReader<Dispatch> Queue => _queue.Reader;

    public int MethodId(MethodRef method)
    {
        if (_methodIds.TryGetValue(method, out var id)) return id;
        lock (_methods)
        {
            if (_methodIds.TryGetValue(method, out id)) return id;
            id = _methods.Count + 1;
            _methods[id] = method;
            _methodIds[method] = id;
            return id;
        }
    }

    public MethodRef Method(int id) => _methods[id];

    /// <summary>Workers waiting for work with nothing in hand: busy workers leave the queue to them.</summary>
    public int IdleWorkers => Volatile.Read(ref _idleWorkers);

    public void EnterIdle() => Interlocked.Increment(ref _idleWorkers);

    public void LeaveIdle() => Interlocked.Decrement(ref _idleWorkers);

    public int NextDispatchId() => Interlocked.Increment(ref _nextDispatchId);

    /// <summary>Queues every item of <paramref name="job"/>.</summary>
    public void Enqueue(PoolJob job) => Requeue(job, [.. Enumerable.Range(0, job.Count)]);

    /// <summary>Queues some items of <paramref name="job"/> (again, after their worker died; <paramref name="isolated"/>: as a group of their own).</summary>
    public void Requeue(PoolJob job, int[] indices, bool isolated = false)
    {
        if (indices.Length == 0) return;
        var dispatch = new Dispatch(this, job, indices, isolated);
        if (!_queue.Writer.TryWrite(dispatch))
            Refuse(dispatch);
    }

    public void Complete(PoolJob job, int index, ReadOnlySpan<byte> json)
    {
        Interlocked.Increment(ref job.Value(index, json) ? ref _done : ref _failed);
        job.Ended();
    }

    /// <summary>Counts the items of a batch answered by <see cref="PoolJob.Values"/>, then ends them.</summary>
    public void Counted(PoolJob job, int done, int failed)
    {
        Interlocked.Add(ref _done, done);
        Interlocked.Add(ref _failed, failed);
        job.Ended(done + failed);
    }

    public void Fail(PoolJob job, int index, Exception error)
    {
        Interlocked.Increment(ref _failed);
        job.Error(index, error);
        job.Ended();
    }

    /// <summary>A worker died; its replacement is a restart.</summary>
    public void CountRestart() => Interlocked.Increment(ref _restarts);

    public ProcessPoolStatistics Statistics()
    {
        var alive = _slots.Where(w => w is { HasExited: false }).Select(w => w!).ToArray();
        return new ProcessPoolStatistics(alive.Length, alive.Count(w => w.Busy), Interlocked.Read(ref _restarts),
            Interlocked.Read(ref _recycles), Interlocked.Read(ref _done), Interlocked.Read(ref _failed), [.. alive.Select(w => w.Pid)]);
    }

    /// <summary>Stops every slot and kills every worker, waiting for each to exit; items still queued fail.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        // Stop first, then close the queue: a slot that sees the queue closed must already see the pool stopping,
        // or it would wait for its idle worker's next answer, which never comes.
        await _stopping.CancelAsync().ConfigureAwait(false);
        _queue.Writer.TryComplete();
        await Task.WhenAll(_loops).ConfigureAwait(false);
        while (_queue.Reader.TryRead(out var left)) Refuse(left);
        _stopping.Dispose();
    }

    private void Refuse(Dispatch dispatch)
    {
        if (!dispatch.TryMarkSent(null, 0)) return;
        dispatch.Close();
        foreach (var index in dispatch.Indices)
            Fail(dispatch.Job, index, new ObjectDisposedException(nameof(ProcessLane), "The Process lane is shut down."));
    }

    private async Task SlotLoopAsync(int slot)
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            WorkerProcess worker;
            try
            {
                worker = await WorkerProcess.StartAsync(this, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A worker that cannot start fails the next waiting item with the reason, rather than leaving callers hanging.
                if (!await FailNextAsync(e, token).ConfigureAwait(false)) return;
                continue;
            }

            _slots[slot] = worker;
            WorkerEnd end;
            try
            {
                end = await worker.RunAsync(token).ConfigureAwait(false);
            }
            finally
            {
                _slots[slot] = null;
                await worker.DisposeAsync().ConfigureAwait(false);
            }
            if (end == WorkerEnd.Recycled) Interlocked.Increment(ref _recycles);
        }
    }

    private async Task<bool> FailNextAsync(Exception error, CancellationToken token)
    {
        try
        {
            var dispatch = await _queue.Reader.ReadAsync(token).ConfigureAwait(false);
            if (dispatch.TryMarkSent(null, 0))
            {
                dispatch.Close();
                var reason = new WorkerDiedException($"A worker process could not start: {error.Message}", error);
                foreach (var index in dispatch.Indices) Fail(dispatch.Job, index, reason);
            }
            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            return false;
        }
    }
}
