using System.Threading.RateLimiting;
using Switchyard.Diagnostics;

namespace Switchyard;

/// <summary>
/// Async work, many items in flight on few threads. An item starts on the calling thread and runs
/// up to its first await, as calling an async method does, but never inside the caller's
/// synchronization context or task scheduler: its continuations run on the thread pool, not on a UI
/// thread, a test framework's context or the Cpu lane's threads.
/// A concurrency limit (a semaphore, first come first served) and an optional rate limiter gate the start.
/// </summary>
internal sealed class IoLane : Lane
{
    // Never disposed: an item gives its slot back after its ticket, so the lane may already be drained
    // then; and a SemaphoreSlim holds nothing to free unless its wait handle is used, which it is not.
    private readonly SemaphoreSlim? _slots;
    private readonly RateLimiter? _rate;
    private readonly int _limit;
    private readonly UntrackedItems _untracked;

    public IoLane(IoLaneOptions options) : base(options, LaneKind.Io)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrency, 1, "IoLaneOptions.MaxConcurrency");
        _limit = options.MaxConcurrency;
        _slots = _limit == IoLaneOptions.Unbounded ? null : new SemaphoreSlim(_limit, _limit);
        _rate = options.RateLimiter;
        _untracked = new UntrackedItems(this, Time);
    }

    public override int Parallelism => _limit;

    private protected override bool TimesSynchronousStart => true;

    internal override int DefaultWindow => _limit == IoLaneOptions.Unbounded ? 4096 : base.DefaultWindow;

    private protected override Task<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> work, Ticket ticket)
    {
        // A non-default scheduler (the caller is itself on a Cpu lane) would capture our awaits: hop to the pool.
        if (TaskScheduler.Current != TaskScheduler.Default)
            return Task.Run(() => Start(work, ticket));
        var context = LeaveCallerContext();
        try { return Start(work, ticket); }
        finally { RestoreCallerContext(context); }
    }

    private protected override Task ExecuteVoidAsync(Func<CancellationToken, ValueTask> work, Ticket ticket)
    {
        // Only the ungated path has a void form of its own: it is the one that keeps thousands of items waiting.
        if (_slots is not null || _rate is not null || TaskScheduler.Current != TaskScheduler.Default)
            return base.ExecuteVoidAsync(work, ticket);
        var context = LeaveCallerContext();
        try { return ticket.Linked is null && !LaneCounters.Observed ? _untracked.Add(StartUntrackedVoid(work, ticket)) : InvokeVoidAsync(work, ticket); }
        finally { RestoreCallerContext(context); }
    }

    /// <summary>Counts one item that <see cref="UntrackedItems"/> found ended.</summary>
    internal void EndUntracked(Task task) =>
        EndedUntracked(task.IsCompletedSuccessfully ? null : task.IsCanceled ? new TaskCanceledException(task) : task.Exception!.InnerException);

    private static SynchronizationContext? LeaveCallerContext()
    {
        var context = SynchronizationContext.Current;
        if (context is not null) SynchronizationContext.SetSynchronizationContext(null);
        return context;
    }

    private static void RestoreCallerContext(SynchronizationContext? context)
    {
        if (context is not null) SynchronizationContext.SetSynchronizationContext(context);
    }

    private Task<T> Start<T>(Func<CancellationToken, ValueTask<T>> work, Ticket ticket)
    {
        if (_slots is not null || _rate is not null) return GatedAsync(work, ticket);
        // The hot path of an ungated lane: no caller token to unlink and nobody listening per item, so the caller
        // gets its own task back and the lane only remembers it (one array slot per waiting item).
        if (ticket.Linked is null && !LaneCounters.Observed) return _untracked.Add(StartUntracked(work, ticket));
        return InvokeAsync(work, ticket);
    }

    private Task<T> StartUntracked<T>(Func<CancellationToken, ValueTask<T>> work, Ticket ticket)
    {
        Counters.Started();
        try
        {
            var begun = StallClockStart();
            var task = work(ticket.Token).AsTask();
            StallClockStop(begun, work);
            return task;
        }
        catch (OperationCanceledException e) when (e.CancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(e.CancellationToken);
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
    }

    private Task StartUntrackedVoid(Func<CancellationToken, ValueTask> work, Ticket ticket)
    {
        Counters.Started();
        try
        {
            var begun = StallClockStart();
            var task = work(ticket.Token).AsTask();
            StallClockStop(begun, work);
            return task;
        }
        catch (OperationCanceledException e) when (e.CancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(e.CancellationToken);
        }
        catch (Exception e)
        {
            return Task.FromException(e);
        }
    }

    private protected override void BeforeSnapshot() => _untracked.Sweep();

    private protected override async Task DrainUntrackedAsync()
    {
        await _untracked.DrainAsync().ConfigureAwait(false);
        _untracked.Dispose();
    }

    // Synchronous work does not belong here, but when it comes it must not block the caller:
    // it runs on the thread pool, still inside the concurrency limit.
    private protected override Task<T> ExecuteSync<T>(Func<CancellationToken, T> work, Ticket ticket) =>
        ExecuteAsync(ct => new ValueTask<T>(Task.Run(() => work(ct), ct)), ticket);

    private async Task<T> GatedAsync<T>(Func<CancellationToken, ValueTask<T>> work, Ticket ticket)
    {
        Counters.Queued();
        RateLimitLease? lease = null;
        var holdsSlot = false;
        try
        {
            if (_rate is not null)
            {
                lease = await _rate.AcquireAsync(1, ticket.Token).ConfigureAwait(false);
                if (!lease.IsAcquired)
                    throw new InvalidOperationException(
                        $"Lane '{Name}': the rate limiter refused a permit (its queue is full).");
            }
            if (_slots is not null)
            {
                await _slots.WaitAsync(ticket.Token).ConfigureAwait(false);
                holdsSlot = true;
            }
        }
        catch (Exception e)
        {
            lease?.Dispose();
            Abandon(ticket, e is OperationCanceledException && ticket.Token.IsCancellationRequested
                ? ItemOutcome.Cancelled : ItemOutcome.Failed);
            throw;
        }

        Counters.Dequeued();
        try
        {
            return await InvokeAsync(work, ticket).ConfigureAwait(false);
        }
        finally
        {
            if (holdsSlot) _slots!.Release();
            lease?.Dispose();
        }
    }
}
