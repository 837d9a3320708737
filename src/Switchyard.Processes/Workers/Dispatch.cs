namespace Switchyard.Processes.Workers;

/// <summary>
/// Some items of a <see cref="PoolJob"/> on their way to one worker: queued, then sent, then answered in order
/// (a worker runs a dispatch's items one after another, so the answered ones are always a prefix). If the
/// worker dies, what was not answered goes back to the queue as a new dispatch.
/// </summary>
internal sealed class Dispatch
{
    private const int Queued = 0, Sent = 1, Cancelled = 2;
    private readonly WorkerPool _pool;
    private readonly CancellationTokenRegistration _registration;
    private int _state;

    public Dispatch(WorkerPool pool, PoolJob job, int[] indices, bool isolated = false)
    {
        _pool = pool;
        Job = job;
        Indices = indices;
        Isolated = isolated;
        _registration = job.Token.UnsafeRegister(static state => ((Dispatch)state!).OnCancelled(), this);
    }

    public PoolJob Job { get; }

    /// <summary>The job's item indices this dispatch carries, in the order the worker runs them.</summary>
    public int[] Indices { get; }

    /// <summary>
    /// Sent as a group of its own, so that a death while it runs is pinned on it: a suspect of an earlier death
    /// (see <see cref="WorkerProcess"/>), or an item of a dead worker that is retried.
    /// </summary>
    public bool Isolated { get; }

    /// <summary>The group it was sent in (its worker answers a group as a whole); 0 until it is sent.</summary>
    public long Group { get; set; }

    /// <summary>The id the worker knows this dispatch by; set when it is sent.</summary>
    public int Id { get; private set; }

    /// <summary>How many items the worker has answered (a prefix of <see cref="Indices"/>).</summary>
    public int Answered { get; set; }

    public WorkerProcess? Worker { get; private set; }

    public int Remaining => Indices.Length - Answered;

    /// <summary>Claims the dispatch for <paramref name="worker"/>; false if it was cancelled while queued.</summary>
    public bool TryMarkSent(WorkerProcess? worker, int id)
    {
        Id = id;
        Worker = worker;
        return Interlocked.CompareExchange(ref _state, Sent, Queued) == Queued;
    }

    /// <summary>The dispatch is over (answered, or handed back): stop listening for cancellation.</summary>
    public void Close() => _registration.Dispose();

    private void OnCancelled()
    {
        var state = Interlocked.CompareExchange(ref _state, Cancelled, Queued);
        if (state == Queued)
        {
            // Never sent: end its items here; whoever dequeues it later skips it.
            foreach (var index in Indices) _pool.Fail(Job, index, new OperationCanceledException(Job.Token));
        }
        else if (state == Sent)
        {
            Worker?.Cancel(this);
        }
    }
}
