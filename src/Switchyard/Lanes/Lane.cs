using Switchyard.Diagnostics;
using Switchyard.Map;

namespace Switchyard;

/// <summary>
/// Where work runs. A lane has a concurrency model (<see cref="Kind"/>), counts what it runs
/// (<see cref="Statistics"/>), and on disposal drains or cancels what it accepted.
/// Create one with <see cref="Io"/>, <see cref="Cpu"/> or <see cref="Loop"/>.
/// </summary>
/// <remarks>
/// Every item gets a <see cref="CancellationToken"/> that fires when the caller's token does, or when the
/// lane is disposed with <see cref="LaneShutdown.Cancel"/>. An item that ends by that token counts as
/// cancelled; any other exception counts as failed and reaches the caller unchanged.
/// </remarks>
public abstract class Lane : IAsyncDisposable
{
    private readonly CancellationTokenSource _shutdown = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly LaneShutdown _shutdownMode;
    private long _outstanding;
    private int _closed;

    private protected Lane(LaneOptions options, LaneKind kind)
    {
        ArgumentNullException.ThrowIfNull(options);
        Name = string.IsNullOrWhiteSpace(options.Name) ? kind.ToString().ToLowerInvariant() : options.Name;
        Kind = kind;
        _shutdownMode = options.Shutdown;
        Time = options.TimeProvider ?? throw new ArgumentException("TimeProvider must not be null.", nameof(options));
        Counters = new LaneCounters(Name, kind, Time);
    }

    /// <summary>Creates an <see cref="LaneKind.Io"/> lane: async work, bounded concurrency (default 1024), optional rate limit.</summary>
    public static Lane Io(IoLaneOptions? options = null) => new IoLane(options ?? new IoLaneOptions());

    /// <summary>Creates a <see cref="LaneKind.Cpu"/> lane: work in parallel on dedicated threads (default one per core).</summary>
    public static Lane Cpu(CpuLaneOptions? options = null) => new CpuLane(options ?? new CpuLaneOptions());

    /// <summary>Creates a <see cref="LaneKind.Loop"/> lane: one thread whose synchronization context brings every continuation back to it.</summary>
    public static Lane Loop(LoopLaneOptions? options = null) => new LoopLane(options ?? new LoopLaneOptions());

    /// <summary>The lane's name, as it appears in statistics and metrics.</summary>
    public string Name { get; }

    /// <summary>The lane's concurrency model.</summary>
    public LaneKind Kind { get; }

    /// <summary>How many items the lane runs at the same time (its concurrency limit, worker count, or 1 for a loop).</summary>
    public abstract int Parallelism { get; }

    private protected LaneCounters Counters { get; }

    private protected TimeProvider Time { get; }

    /// <summary>
    /// How many items map and stream pull ahead of their consumer by default on this lane:
    /// enough to keep every slot busy, never unbounded.
    /// </summary>
    internal virtual int DefaultWindow => (int)Math.Clamp(2L * Parallelism, 2, 4096);

    /// <summary>
    /// The chunk size of a map whose <see cref="MapOptions.ChunkSize"/> is null, given the input's length when it
    /// is known: 1, unless a lane with a high cost per unit of work (the Process lane) says otherwise.
    /// </summary>
    internal virtual int DefaultChunkSize(long? knownLength) => 1;

    /// <summary>Runs asynchronous <paramref name="work"/> on this lane and returns its result.</summary>
    /// <exception cref="ObjectDisposedException">The lane is being disposed.</exception>
    public Task<T> RunAsync<T>(Func<CancellationToken, ValueTask<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        return ExecuteAsync(work, Admit(cancellationToken));
    }

    /// <summary>Runs asynchronous <paramref name="work"/> that has no result on this lane.</summary>
    /// <exception cref="ObjectDisposedException">The lane is being disposed.</exception>
    public Task RunAsync(Func<CancellationToken, ValueTask> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        return ExecuteAsync(new VoidWork(work).RunAsync, Admit(cancellationToken));
    }

    /// <summary>
    /// Runs synchronous <paramref name="work"/> on this lane. On the Cpu and Loop lanes it runs on the lane's
    /// threads; on the Io lane it runs on the thread pool inside the concurrency limit (prefer async work there).
    /// </summary>
    /// <exception cref="ObjectDisposedException">The lane is being disposed.</exception>
    public Task<T> RunAsync<T>(Func<CancellationToken, T> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        return ExecuteSync(work, Admit(cancellationToken));
    }

    /// <summary>A snapshot of the lane's counters.</summary>
    public LaneStatistics Statistics() => Counters.Snapshot(Name, Kind);

    /// <summary>
    /// Refuses new work, then drains or cancels (by <see cref="LaneOptions.Shutdown"/>) what was accepted,
    /// waits for it to end, and stops the lane's threads. Safe to call more than once.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            if (_shutdownMode == LaneShutdown.Cancel)
                await _shutdown.CancelAsync().ConfigureAwait(false);
            if (Interlocked.Read(ref _outstanding) == 0)
                _drained.TrySetResult();
            await _drained.Task.ConfigureAwait(false);
            await StopAsync().ConfigureAwait(false);
            _shutdown.Dispose();
            GC.SuppressFinalize(this);
        }
        await _drained.Task.ConfigureAwait(false);
    }

    /// <summary>Starts (or queues) one admitted item. The implementation must end by calling <see cref="InvokeAsync"/> or <see cref="Abandon"/>.</summary>
    private protected abstract Task<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> work, Ticket ticket);

    /// <summary>Runs synchronous work; by default as async work that completes at once, on the lane's threads.</summary>
    private protected virtual Task<T> ExecuteSync<T>(Func<CancellationToken, T> work, Ticket ticket) =>
        ExecuteAsync(ct => new ValueTask<T>(work(ct)), ticket);

    /// <summary>
    /// Runs a body over one argument (a pipeline stage's item). The default closes over the item; a lane that
    /// runs work elsewhere (the Process lane) overrides this to ship the body's identity and the item.
    /// </summary>
    internal virtual Task<TOut> RunItemAsync<TIn, TOut>(Func<TIn, TOut> body, TIn item, CancellationToken cancellationToken) =>
        RunAsync(_ => body(item), cancellationToken);

    /// <inheritdoc cref="RunItemAsync{TIn, TOut}(Func{TIn, TOut}, TIn, CancellationToken)"/>
    internal virtual Task<TOut> RunItemAsync<TIn, TOut>(Func<TIn, CancellationToken, ValueTask<TOut>> body, TIn item, CancellationToken cancellationToken) =>
        RunAsync(ct => body(item, ct), cancellationToken);

    /// <summary>
    /// Runs one chunk of a map on this lane. The default runs the items one after another as a single
    /// work item; a lane that runs work elsewhere (the Process lane) overrides this to ship the items.
    /// </summary>
    internal virtual Task RunChunkAsync<TIn, TOut>(MapChunk<TIn, TOut> chunk, CancellationToken cancellationToken) =>
        chunk.Body.IsPlainSync
            ? RunAsync(ct => chunk.Process(ct), cancellationToken)
            : RunAsync(ct => chunk.ProcessAsync(ct), cancellationToken);

    /// <summary>Stops the lane's own threads once everything has drained.</summary>
    private protected virtual ValueTask StopAsync() => ValueTask.CompletedTask;

    /// <summary>Runs an item that has left the queue, counting it and releasing its ticket at the end.</summary>
    private protected async Task<T> InvokeAsync<T>(Func<CancellationToken, ValueTask<T>> work, Ticket ticket)
    {
        var startedAt = Counters.Started();
        try
        {
            var result = await work(ticket.Token).ConfigureAwait(false);
            Counters.Ended(ItemOutcome.Completed, startedAt);
            return result;
        }
        catch (OperationCanceledException) when (ticket.Token.IsCancellationRequested)
        {
            Counters.Ended(ItemOutcome.Cancelled, startedAt);
            throw;
        }
        catch
        {
            Counters.Ended(ItemOutcome.Failed, startedAt);
            throw;
        }
        finally
        {
            Release(ticket);
        }
    }

    /// <summary>Queues an item on <paramref name="scheduler"/>: the shared path of every lane that owns threads.</summary>
    private protected Task<T> Dispatch<T>(TaskScheduler scheduler, Func<CancellationToken, ValueTask<T>> work, Ticket ticket)
    {
        Counters.Queued();
        return Task.Factory.StartNew(
            static state => ((QueuedItem<T>)state!).Start(),
            new QueuedItem<T>(this, work, ticket),
            CancellationToken.None,
            TaskCreationOptions.DenyChildAttach,
            scheduler).Unwrap();
    }

    /// <summary>Ends a queued item that will never start (its token fired, or its permit was refused).</summary>
    private protected void Abandon(Ticket ticket, ItemOutcome outcome)
    {
        Counters.EndedWhileQueued(outcome);
        Release(ticket);
    }

    private Ticket Admit(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _outstanding);
        if (Volatile.Read(ref _closed) != 0)
        {
            Release(default);
            throw new ObjectDisposedException(GetType().Name, $"Lane '{Name}' is shut down and accepts no more work.");
        }
        if (!cancellationToken.CanBeCanceled)
            return new Ticket(null, _shutdown.Token);
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutdown.Token);
        return new Ticket(linked, linked.Token);
    }

    private void Release(Ticket ticket)
    {
        ticket.Linked?.Dispose();
        if (Interlocked.Decrement(ref _outstanding) == 0 && Volatile.Read(ref _closed) != 0)
            _drained.TrySetResult();
    }

    private sealed class QueuedItem<T>(Lane lane, Func<CancellationToken, ValueTask<T>> work, Ticket ticket)
    {
        public Task<T> Start()
        {
            if (ticket.Token.IsCancellationRequested)
            {
                lane.Abandon(ticket, ItemOutcome.Cancelled);
                return Task.FromCanceled<T>(ticket.Token);
            }
            lane.Counters.Dequeued();
            return lane.InvokeAsync(work, ticket);
        }
    }

    /// <summary>Work with no result seen as work with one; a lane can still reach the caller's delegate through <see cref="Work"/>.</summary>
    internal sealed class VoidWork(Func<CancellationToken, ValueTask> work)
    {
        public Func<CancellationToken, ValueTask> Work => work;

        public async ValueTask<bool> RunAsync(CancellationToken cancellationToken)
        {
            await work(cancellationToken).ConfigureAwait(false);
            return true;
        }
    }

    /// <summary>An admitted item's token, and the linked source to dispose when it ends.</summary>
    internal readonly record struct Ticket(CancellationTokenSource? Linked, CancellationToken Token);
}
