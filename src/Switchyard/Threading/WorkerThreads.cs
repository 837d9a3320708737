using System.Collections.Concurrent;
using System.Diagnostics;

namespace Switchyard.Threading;

/// <summary>
/// A <see cref="TaskScheduler"/> over a fixed set of dedicated threads, which can also serve as the
/// queue behind a <see cref="SynchronizationContext"/>. Dedicated threads keep CPU-bound work off the
/// thread pool, so a full Cpu lane never starves async continuations elsewhere.
/// Written by hand: the BCL has no dedicated-thread scheduler, and no maintained package offers one.
/// </summary>
internal sealed class WorkerThreads : TaskScheduler, IDisposable
{
    private readonly BlockingCollection<object> _queue = new(new ConcurrentQueue<object>());
    private readonly Thread[] _threads;
    private readonly SynchronizationContext? _context;
    private readonly long _slowTicks;
    private readonly Action<object, TimeSpan>? _onSlow;

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
        _threads = new Thread[count];
        for (var i = 0; i < count; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = count == 1 ? name : $"{name}-{i}" };
            _threads[i].Start();
        }
    }

    /// <summary>The threads' managed ids, for tests that check where code ran.</summary>
    public IReadOnlyList<int> ThreadIds => _threads.Select(t => t.ManagedThreadId).ToArray();

    public override int MaximumConcurrencyLevel => _threads.Length;

    /// <summary>True when the calling thread is one of these threads.</summary>
    public bool IsCurrent => Array.IndexOf(_threads, Thread.CurrentThread) >= 0;

    /// <summary>Queues a callback (used by a synchronization context's <c>Post</c>).</summary>
    public void Post(SendOrPostCallback callback, object? state) => _queue.Add(new Posted(callback, state));

    protected override void QueueTask(Task task) => _queue.Add(task);

    // Inline only on our own threads: a worker that waits on a task it queued would otherwise deadlock.
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        IsCurrent && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray().OfType<Task>();

    private void Work()
    {
        if (_context is not null) SynchronizationContext.SetSynchronizationContext(_context);
        foreach (var item in _queue.GetConsumingEnumerable())
        {
            var begun = _onSlow is null ? 0 : Stopwatch.GetTimestamp();
            if (item is Task task) TryExecuteTask(task);
            else ((Posted)item).Run();
            if (_onSlow is not null && Stopwatch.GetTimestamp() - begun >= _slowTicks)
                _onSlow(item is Task t ? t.AsyncState ?? t : ((Posted)item).State ?? ((Posted)item).Callback, Stopwatch.GetElapsedTime(begun));
        }
    }

    /// <summary>Lets the threads finish what is queued, then ends them.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        foreach (var thread in _threads)
            if (thread != Thread.CurrentThread) thread.Join();
        _queue.Dispose();
    }

    private sealed record Posted(SendOrPostCallback Callback, object? State)
    {
        public void Run() => Callback(State);
    }
}
