using System.Diagnostics;
using Switchyard.Profiling;

namespace Switchyard.Lanes.Auto;

/// <summary>
/// Measures one item: a synchronization context that runs the item's continuations on the thread pool and adds up
/// the CPU time of every synchronous piece, read from the thread's own schedstat (off Linux, the wall time of each
/// piece stands in). Awaits with <c>ConfigureAwait(false)</c> escape it.
/// <para>
/// What the item could not run for is kept apart from its wall time, since it is neither computing nor waiting on
/// the item's own I/O: run-queue waits for a core, time a continuation sat queued for a pool thread, garbage-collection
/// pauses (a thread suspended for another item's garbage), and the whole off-core time of a piece that never blocked by
/// itself (steal time on a VM). On a machine busier than its cores these are most of the wall time of a CPU-bound item.
/// </para>
/// <para>
/// What it cannot see: a piece that sleeps on a lock whose holder was preempted (the collector's allocation lock, when
/// several threads allocate fast on a busy machine) looks like a piece that waits. Such work can measure as partly
/// waiting and be routed to the Io lane, whose limit then adapts to the latency it sees.
/// </para>
/// </summary>
internal sealed class MeteringContext : SynchronizationContext
{
    private long _cpuTicks;
    private long _heldTicks;
    private long _started;
    private long _finished;

    public TimeSpan Cpu => TimeSpan.FromTicks(Interlocked.Read(ref _cpuTicks));

    /// <summary>
    /// The item's wall time, from its start to the moment it finished (stamped on the thread that finished it, not
    /// when the awaiting code next gets a thread), less the time it was held from running.
    /// </summary>
    public TimeSpan Runnable
    {
        get
        {
            var started = Interlocked.Read(ref _started);
            if (started == 0) return TimeSpan.Zero;
            var finished = Interlocked.Read(ref _finished);
            var wall = Stopwatch.GetElapsedTime(started, finished == 0 ? Stopwatch.GetTimestamp() : finished);
            return wall - TimeSpan.FromTicks(Interlocked.Read(ref _heldTicks));
        }
    }

    /// <summary>Starts the item here, measured; the clock runs until the task it returns completes.</summary>
    public Task<T> Measure<T>(Func<ValueTask<T>> start)
    {
        Interlocked.Exchange(ref _started, Stopwatch.GetTimestamp());
        var task = Run(() => start().AsTask());
        if (task.IsCompleted) Interlocked.Exchange(ref _finished, Stopwatch.GetTimestamp());
        else task.ContinueWith(static (_, s) => Interlocked.Exchange(ref ((MeteringContext)s!)._finished, Stopwatch.GetTimestamp()),
            this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }

    public override void Post(SendOrPostCallback d, object? state) =>
        ThreadPool.UnsafeQueueUserWorkItem(static s =>
        {
            Interlocked.Add(ref s.Context._heldTicks, Stopwatch.GetElapsedTime(s.Queued).Ticks);
            s.Context.Run(() => { s.Callback(s.State); return true; });
        }, (Context: this, Callback: d, State: state, Queued: Stopwatch.GetTimestamp()), preferLocal: false);

    public override SynchronizationContext CreateCopy() => this;

    private T Run<T>(Func<T> piece)
    {
        var previous = Current;
        SetSynchronizationContext(this);
        var before = ProcFs.ThreadSchedStat();
        var voluntary = ProcFs.ThreadUsage()?.VoluntarySwitches;
        var paused = GC.GetTotalPauseDuration();
        var begun = Stopwatch.GetTimestamp();
        try { return piece(); }
        finally
        {
            var wall = Stopwatch.GetElapsedTime(begun);
            var pause = GC.GetTotalPauseDuration() - paused;
            if (before is { } b && ProcFs.ThreadSchedStat() is { } a)
            {
                var cpu = a.OnCpu - b.OnCpu;
                Interlocked.Add(ref _cpuTicks, cpu.Ticks);
                // A piece that never gave up its thread by itself computed all along: whatever part of its wall time it was
                // off the core, something else held it there. That is more than run-queue waits: on a VM the host may run
                // another guest on this vCPU (steal time), which schedstat counts as neither CPU nor wait; here a spinning
                // thread on a quiet machine lost 15-20% of its wall time so, and a busy CI machine once lost 80%.
                // Otherwise run-queue waits and pauses are the held part, but never more than the time off the core: the thread
                // that collects computes through its own pause, and a thread preempted as a pause began waits in both.
                var offCore = wall - cpu;
                var held = voluntary is { } v && ProcFs.ThreadUsage()?.VoluntarySwitches == v
                    ? offCore
                    : TimeSpan.FromTicks(Math.Min(offCore.Ticks, (a.RunQueueWait - b.RunQueueWait + pause).Ticks));
                Interlocked.Add(ref _heldTicks, Math.Max(0, held.Ticks));
            }
            else
            {
                Interlocked.Add(ref _cpuTicks, wall.Ticks);
                Interlocked.Add(ref _heldTicks, pause.Ticks);
            }
            SetSynchronizationContext(previous);
        }
    }
}
