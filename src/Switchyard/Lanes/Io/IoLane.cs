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
    private readonly SemaphoreSlim? _slots;
    private readonly RateLimiter? _rate;
    private readonly int _limit;

    public IoLane(IoLaneOptions options) : base(options, LaneKind.Io)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrency, 1, "IoLaneOptions.MaxConcurrency");
        _limit = options.MaxConcurrency;
        _slots = _limit == IoLaneOptions.Unbounded ? null : new SemaphoreSlim(_limit, _limit);
        _rate = options.RateLimiter;
    }

    public override int Parallelism => _limit;

    internal override int DefaultWindow => _limit == IoLaneOptions.Unbounded ? 4096 : base.DefaultWindow;

    private protected override Task<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> work, Ticket ticket)
    {
        // A non-default scheduler (the caller is itself on a Cpu lane) would capture our awaits: hop to the pool.
        if (TaskScheduler.Current != TaskScheduler.Default)
            return Task.Run(() => Start(work, ticket));
        var context = SynchronizationContext.Current;
        if (context is null) return Start(work, ticket);
        SynchronizationContext.SetSynchronizationContext(null);
        try { return Start(work, ticket); }
        finally { SynchronizationContext.SetSynchronizationContext(context); }
    }

    private Task<T> Start<T>(Func<CancellationToken, ValueTask<T>> work, Ticket ticket) =>
        _slots is null && _rate is null ? InvokeAsync(work, ticket) : GatedAsync(work, ticket);

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

    private protected override ValueTask StopAsync()
    {
        _slots?.Dispose();
        return ValueTask.CompletedTask;
    }
}
