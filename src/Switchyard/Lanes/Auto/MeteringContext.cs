using System.Diagnostics;
using Switchyard.Profiling;

namespace Switchyard.Lanes.Auto;

/// <summary>
/// A synchronization context that runs one item's continuations on the thread pool and adds up the CPU time
/// (and the run-queue wait) of every synchronous piece, read from the thread's own schedstat. Off Linux the
/// wall time of each piece stands in for its CPU time. Awaits with <c>ConfigureAwait(false)</c> escape it.
/// Garbage-collection pauses that fall inside a piece are added up apart: a thread suspended for another
/// item's garbage is neither computing nor waiting on its own I/O, and every item running at the time feels it.
/// </summary>
internal sealed class MeteringContext : SynchronizationContext
{
    private long _cpuTicks;
    private long _runQueueTicks;
    private long _suspendedTicks;

    public TimeSpan Cpu => TimeSpan.FromTicks(Interlocked.Read(ref _cpuTicks));
    public TimeSpan RunQueueWait => TimeSpan.FromTicks(Interlocked.Read(ref _runQueueTicks));

    /// <summary>Time the runtime held the item's pieces still for garbage collection.</summary>
    public TimeSpan Suspended => TimeSpan.FromTicks(Interlocked.Read(ref _suspendedTicks));

    /// <summary>Runs <paramref name="start"/> here, measured, and returns what it started.</summary>
    public T Run<T>(Func<T> start)
    {
        var previous = Current;
        SetSynchronizationContext(this);
        var before = ProcFs.ThreadSchedStat();
        var paused = GC.GetTotalPauseDuration();
        var begun = Stopwatch.GetTimestamp();
        try { return start(); }
        finally
        {
            Account(before, begun);
            Interlocked.Add(ref _suspendedTicks, (GC.GetTotalPauseDuration() - paused).Ticks);
            SetSynchronizationContext(previous);
        }
    }

    public override void Post(SendOrPostCallback d, object? state) =>
        ThreadPool.UnsafeQueueUserWorkItem(static s => s.Context.Run(() => { s.Callback(s.State); return true; }), (Context: this, Callback: d, State: state), preferLocal: false);

    public override SynchronizationContext CreateCopy() => this;

    private void Account((TimeSpan OnCpu, TimeSpan RunQueueWait)? before, long begun)
    {
        if (before is { } b && ProcFs.ThreadSchedStat() is { } a)
        {
            Interlocked.Add(ref _cpuTicks, (a.OnCpu - b.OnCpu).Ticks);
            Interlocked.Add(ref _runQueueTicks, (a.RunQueueWait - b.RunQueueWait).Ticks);
        }
        else
        {
            Interlocked.Add(ref _cpuTicks, Stopwatch.GetElapsedTime(begun).Ticks);
        }
    }
}
