using System.Collections.Concurrent;
using System.Diagnostics;

namespace Switchyard.Threading;

/// <summary>
/// A <see cref="TaskScheduler"/> over a fixed set of dedicated threads, which can also serve as the
/// queue behind a <see cref="SynchronizationContext"/>. Dedicated threads keep CPU-bound work off the
/// thread pool, so a full Cpu lane never starves async continuations elsewhere.
/// Written by hand: the BCL has no dedicated-thread scheduler, and no maintained package offers one.
/// Only the first thread starts up front; the others start when an item is queued and none is free, up to the
/// count, so a lane sized for many blocking items (<c>yard run -j 1000</c>) costs threads only as items need them.
/// </summary>
internal sealed class WorkerThreads : TaskScheduler, IDisposable
{
    private readonly BlockingCollection<object> _queue = new(new ConcurrentQueue<object>());
    private readonly Thread[] _threads; // the first _started are running
    private readonly Lock _starting = new();
    private readonly string _name;
    private int _started;
    private bool _disposed;

    // Threads that will take an item and that no queued item has claimed yet; negative when items wait for a busy thread.
    private int _free;
    private readonly SynchronizationContext? _context;
    private readonly long _slowTicks;
    private readonly Action<object, TimeSpan>? _onSlow;

    // Set on each of the threads: IsCurrent answers without scanning up to -j threads (yard run -j 1000).
    [ThreadStatic] private static WorkerThreads? t_owner;

    /// <param name="name">Prefix of the threads' names.</param>
    /// <param name="count">How many threads.</param>
    /// <param name="context">If set, installed on every thread, so awaits inside work come back to these threads.</param>
    /// <param name="slowTicks">With <paramref name="onSlow"/>: a run longer than this many Stopwatch ticks is reported.</param>
    /// <param name="onSlow">Told of every task or callback that held its thread past <paramref name="slowTicks"/>.</param>
    public WorkerThreads(string name, int count, SynchronizationContext? context = null, long slowTicks = 0, Action<object, TimeSpan>? onSlow = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _context = context;
        _slowTicks = slowTicks;
        _onSlow = slowTicks > 0 ? onSlow : null;
        _name = name;
        _threads = new Thread[count];
        _free = 1;
        lock (_starting) StartThread();
    }

    /// <summary>The managed ids of the threads started so far, for tests that check where code ran.</summary>
    public IReadOnlyList<int> ThreadIds
    {
        get
        {
            lock (_starting) return _threads.Take(_started).Select(t => t.ManagedThreadId).ToArray();
        }
    }

    public override int MaximumConcurrencyLevel => _threads.Length;

    /// <summary>True when the calling thread is one of these threads.</summary>
    public bool IsCurrent => t_owner == this;

    /// <summary>Queues a callback (used by a synchronization context's <c>Post</c>).</summary>
    public void Post(SendOrPostCallback callback, object? state) => Enqueue(new Posted(callback, state));

    protected override void QueueTask(Task task) => Enqueue(task);

    // Every queued item claims a free thread; when none is left, another starts (while fewer than the count run).
    // A thread frees itself again after each item, so every queued item has a thread that will take it.
    private void Enqueue(object item)
    {
        _queue.Add(item);
        if (Interlocked.Decrement(ref _free) >= 0) return;
        lock (_starting)
        {
            if (_disposed || _started == _threads.Length) return; // a running thread takes it when it is done
            StartThread();
            Interlocked.Increment(ref _free); // the new thread's first take is this item's
        }
    }

    private void StartThread()
    {
        var i = _started;
        _threads[i] = new Thread(Work) { IsBackground = true, Name = _threads.Length == 1 ? _name : $"{_name}-{i}" };
        _threads[i].Start();
        _started = i + 1;
    }

    // Inline only on our own threads: a worker that waits on a task it queued would otherwise deadlock.
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        IsCurrent && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray().OfType<Task>();

    private void Work()
    {
        t_owner = this;
        if (_context is not null) SynchronizationContext.SetSynchronizationContext(_context);
        foreach (var item in _queue.GetConsumingEnumerable())
        {
            var begun = _onSlow is null ? 0 : Stopwatch.GetTimestamp();
            if (item is Task task) TryExecuteTask(task);
            else ((Posted)item).Run();
            if (_onSlow is not null && Stopwatch.GetTimestamp() - begun >= _slowTicks)
                _onSlow(item is Task t ? t.AsyncState ?? t : ((Posted)item).State ?? ((Posted)item).Callback, Stopwatch.GetElapsedTime(begun));
            Interlocked.Increment(ref _free);
        }
    }

    /// <summary>Lets the threads finish what is queued, then ends them.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        // Threads may still start while the queue drains (an Enqueue that added before CompleteAdding): join until
        // none is left unjoined, then let no more start.
        for (var joined = 0; ; joined++)
        {
            Thread thread;
            lock (_starting)
            {
                if (joined == _started)
                {
                    _disposed = true;
                    break;
                }
                thread = _threads[joined];
            }
            if (thread != Thread.CurrentThread) thread.Join();
        }
        _queue.Dispose();
    }

    private sealed record Posted(SendOrPostCallback Callback, object? State)
    {
        public void Run() => Callback(State);
    }
}
