using Switchyard.Threading;

namespace Switchyard;

/// <summary>
/// One dedicated thread with its own <see cref="SynchronizationContext"/>, like an asyncio event loop:
/// an item and every continuation of its awaits run on that thread, so state touched only from the loop
/// needs no locks. Many items may be in flight (waiting); one runs at a time. Awaits with
/// <c>ConfigureAwait(false)</c> leave the loop, as they would leave any context.
/// </summary>
internal sealed class LoopLane : Lane
{
    private readonly WorkerThreads _thread;

    public LoopLane(LoopLaneOptions options) : base(options, LaneKind.Loop)
    {
        var context = new LoopSynchronizationContext();
        _thread = new WorkerThreads($"switchyard-{Name}", 1, context, StallTicks,
            (item, held) => ReportStall(Diagnostics.WorkNames.DescribeObject(item), held));
        context.Attach(_thread);
    }

    public override int Parallelism => 1;

    // Waiting items cost nothing on a loop, so map and stream may keep many in flight.
    internal override int DefaultWindow => 1024;

    /// <summary>The loop thread's managed id.</summary>
    internal int ThreadId => _thread.ThreadIds[0];

    private protected override Task<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> work, Ticket ticket) =>
        Dispatch(_thread, work, ticket);

    private protected override ValueTask StopAsync()
    {
        _thread.Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed class LoopSynchronizationContext : SynchronizationContext
    {
        private WorkerThreads? _thread;

        public void Attach(WorkerThreads thread) => _thread = thread;

        public override void Post(SendOrPostCallback d, object? state) => _thread!.Post(d, state);

        public override void Send(SendOrPostCallback d, object? state)
        {
            if (_thread!.IsCurrent) { d(state); return; }
            using var done = new ManualResetEventSlim();
            Exception? error = null;
            _thread.Post(_ => { try { d(state); } catch (Exception e) { error = e; } finally { done.Set(); } }, null);
            done.Wait();
            if (error is not null) throw new AggregateException(error);
        }

        public override SynchronizationContext CreateCopy() => this;
    }
}
