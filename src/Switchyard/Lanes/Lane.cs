using System.Diagnostics;
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
    private readonly long _stallTicks; // Stopwatch ticks; 0 = off

    private protected Lane(LaneOptions options, LaneKind kind)
    {
        ArgumentNullException.ThrowIfNull(options);
        Name = string.IsNullOrWhiteSpace(options.Name) ? kind.ToString().ToLowerInvariant() : options.Name;
        Kind = kind;
        _shutdownMode = options.Shutdown;
        Time = options.TimeProvider ?? throw new ArgumentException("TimeProvider must not be null.", nameof(options));
        Counters = new LaneCounters(Name, kind, Time);
        Logger = options.Logger;
        if (options.StallThreshold is { } threshold)
        {
            if (threshold <= TimeSpan.Zero) throw new ArgumentException($"LaneOptions.StallThreshold must be positive or null (was {threshold}).", nameof(options));
            _stallTicks = (long)(threshold.TotalSeconds * Stopwatch.Frequency);
        }
    }

    /// <summary>
    /// Raised when an item blocks the thread of an Io or Loop lane past <see cref="LaneOptions.StallThreshold"/>.
    /// Raised on the blocked thread, after the block; keep handlers short.
    /// </summary>
    public event EventHandler<LaneStallEventArgs>? Stalled;

    private protected Microsoft.Extensions.Logging.ILogger? Logger { get; }

    /// <summary>The stall threshold in <see cref="Stopwatch"/> ticks, 0 when detection is off.</summary>
    private protected long StallTicks => _stallTicks;

    /// <summary>Whether this lane times the synchronous start of each item (the Io lane does).</summary>
    private protected virtual bool TimesSynchronousStart => false;

    /// <summary>Reports that <paramref name="work"/> held the lane's thread for <paramref name="blocked"/>.</summary>
    private protected void ReportStall(string work, TimeSpan blocked)
    {
        Counters.Stalled();
        var stall = new LaneStallEventArgs(Name, work, blocked);
        if (Logger is not null) Log.Stall(Logger, Name, work, blocked.TotalMilliseconds);
        try { Stalled?.Invoke(this, stall); }
        catch (Exception e) when (e is not OutOfMemoryException) { if (Logger is not null) Log.StallHandlerFailed(Logger, e, Name); }
    }

    /// <summary>Creates an <see cref="LaneKind.Io"/> lane: async work, bounded concurrency (default 1024), optional rate limit.</summary>
    public static Lane Io(IoLaneOptions? options = null) => new IoLane(options ?? new IoLaneOptions());

    /// <summary>Creates a <see cref="LaneKind.Cpu"/> lane: work in parallel on dedicated threads (default one per core).</summary>
    public static Lane Cpu(CpuLaneOptions? options = null) => new CpuLane(options ?? new CpuLaneOptions());

    /// <summary>
    /// Creates an <see cref="LaneKind.Auto"/> lane: it measures the first items (CPU time against the time they could
    /// run), routes the work to a Cpu or an Io lane, sizes the concurrency and keeps adapting it.
    /// </summary>
    public static Lane Auto(AutoLaneOptions? options = null) => new AutoLane(options ?? new AutoLaneOptions());

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

    /// <summary>The default window of a map on this lane, in items, for chunks of <paramref name="chunkSize"/>: a number of chunks.</summary>
    internal virtual int DefaultWindowFor(int chunkSize) => (int)Math.Min(int.MaxValue, (long)DefaultWindow * chunkSize);

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
        return ExecuteVoidAsync(work, Admit(cancellationToken));
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
    public LaneStatistics Statistics()
    {
        BeforeSnapshot();
        return Decorate(Counters.Snapshot(Name, Kind) with { Limit = Parallelism });
    }

    /// <summary>Brings lazily kept counts up to date before a snapshot (the Io lane counts finished items lazily).</summary>
    private protected virtual void BeforeSnapshot()
    {
    }

    /// <summary>Awaits work the lane tracks itself, without a per-item continuation, during disposal.</summary>
    private protected virtual Task DrainUntrackedAsync() => Task.CompletedTask;

    /// <summary>Adds what only this kind of lane knows to a statistics snapshot.</summary>
    private protected virtual LaneStatistics Decorate(LaneStatistics statistics) => statistics;

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
            await DrainUntrackedAsync().ConfigureAwait(false);
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

    /// <summary>Starts work with no result; by default as work whose result is ignored (see <see cref="VoidWork"/>).</summary>
    private protected virtual Task ExecuteVoidAsync(Func<CancellationToken, ValueTask> work, Ticket ticket) =>
        ExecuteAsync(new VoidWork(work).RunAsync, ticket);

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

    /// <summary>
    /// Runs an item that has left the queue, counting it and releasing its ticket at the end. The synchronous
    /// start is plain code; only what is still pending goes through a small async method that holds the
    /// item's task, its linked token source and its start time: the lane's whole cost per waiting item.
    /// </summary>
    private protected Task<T> InvokeAsync<T>(Func<CancellationToken, ValueTask<T>> work, Ticket ticket)
    {
        var startedAt = Counters.Started();
        Task<T> pending;
        try
        {
            var begun = StallClockStart();
            pending = work(ticket.Token).AsTask();
            StallClockStop(begun, work);
        }
        catch (Exception e)
        {
            pending = Task.FromException<T>(e);
        }
        return AwaitAsync(pending, ticket.Linked, startedAt);
    }

    /// <summary>The same as <see cref="InvokeAsync{T}"/> for work with no result.</summary>
    private protected Task InvokeVoidAsync(Func<CancellationToken, ValueTask> work, Ticket ticket)
    {
        var startedAt = Counters.Started();
        Task pending;
        try
        {
            var begun = StallClockStart();
            pending = work(ticket.Token).AsTask();
            StallClockStop(begun, work);
        }
        catch (Exception e)
        {
            pending = Task.FromException(e);
        }
        return AwaitVoidAsync(pending, ticket.Linked, startedAt);
    }

    private async Task<T> AwaitAsync<T>(Task<T> pending, CancellationTokenSource? linked, long startedAt)
    {
        try
        {
            var result = await pending.ConfigureAwait(false);
            Ended(null, linked, startedAt);
            return result;
        }
        catch (Exception e)
        {
            Ended(e, linked, startedAt);
            throw;
        }
    }

    private async Task AwaitVoidAsync(Task pending, CancellationTokenSource? linked, long startedAt)
    {
        try
        {
            await pending.ConfigureAwait(false);
            Ended(null, linked, startedAt);
        }
        catch (Exception e)
        {
            Ended(e, linked, startedAt);
            throw;
        }
    }

    /// <summary>Counts an item that ended, and releases it (for lanes that learn of the end without a continuation).</summary>
    private protected void EndedUntracked(Exception? error) => Ended(error, null, 0);

    // An item ends cancelled when its own token fired; any other exception is a failure.
    private void Ended(Exception? error, CancellationTokenSource? linked, long startedAt)
    {
        var outcome = error is null ? ItemOutcome.Completed
            : error is OperationCanceledException && (linked?.Token ?? _shutdown.Token).IsCancellationRequested ? ItemOutcome.Cancelled
            : ItemOutcome.Failed;
        Counters.Ended(outcome, startedAt);
        Release(linked);
    }

    // The stall clock times the synchronous start of an item on lanes that time it (the Io lane).
    private protected long StallClockStart() => _stallTicks != 0 && TimesSynchronousStart ? Stopwatch.GetTimestamp() : 0;

    private protected void StallClockStop(long begun, Delegate work)
    {
        if (begun == 0) return;
        var held = Stopwatch.GetTimestamp() - begun;
        if (held >= _stallTicks) ReportStall(WorkNames.Describe(work), Stopwatch.GetElapsedTime(begun, begun + held));
    }

    /// <summary>
    /// Queues an item on <paramref name="scheduler"/>: the shared path of every lane that owns threads. The caller's
    /// task completes with its continuations run asynchronously: code after <c>await lane.RunAsync(...)</c> must not
    /// run inline on a lane thread (it would take a Cpu worker, or block a loop, with the lane's scheduler current).
    /// </summary>
    private protected Task<T> Dispatch<T>(TaskScheduler scheduler, Func<CancellationToken, ValueTask<T>> work, Ticket ticket)
    {
        Counters.Queued();
        var item = new QueuedItem<T>(this, work, ticket);
        Task.Factory.StartNew(static state => ((QueuedItem<T>)state!).Start(), item,
            CancellationToken.None, TaskCreationOptions.DenyChildAttach, scheduler);
        return item.Task;
    }

    /// <summary>Ends a queued item that will never start (its token fired, or its permit was refused).</summary>
    private protected void Abandon(Ticket ticket, ItemOutcome outcome)
    {
        Counters.EndedWhileQueued(outcome);
        Release(ticket.Linked);
    }

    private Ticket Admit(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _outstanding);
        if (Volatile.Read(ref _closed) != 0)
        {
            Release(null);
            throw new ObjectDisposedException(GetType().Name, $"Lane '{Name}' is shut down and accepts no more work.");
        }
        if (!cancellationToken.CanBeCanceled)
            return new Ticket(null, _shutdown.Token);
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutdown.Token);
        return new Ticket(linked, linked.Token);
    }

    private void Release(CancellationTokenSource? linked)
    {
        linked?.Dispose();
        if (Interlocked.Decrement(ref _outstanding) == 0 && Volatile.Read(ref _closed) != 0)
            _drained.TrySetResult();
    }

    private sealed class QueuedItem<T>(Lane lane, Func<CancellationToken, ValueTask<T>> work, Ticket ticket) : IDescribedWork
    {
        private readonly TaskCompletionSource<T> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Task => _result.Task;

        public string Describe() => WorkNames.Describe(work);

        public void Start()
        {
            if (ticket.Token.IsCancellationRequested)
            {
                lane.Abandon(ticket, ItemOutcome.Cancelled);
                _result.TrySetCanceled(ticket.Token);
                return;
            }
            lane.Counters.Dequeued();
            var running = lane.InvokeAsync(work, ticket);
            if (running.IsCompleted) Complete(running);
            else running.ContinueWith(static (t, s) => ((QueuedItem<T>)s!).Complete(t), this,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        private void Complete(Task<T> running)
        {
            if (running.IsCompletedSuccessfully) { _result.TrySetResult(running.Result); return; }
            try { running.GetAwaiter().GetResult(); }
            catch (OperationCanceledException e) when (running.IsCanceled) { _result.TrySetCanceled(e.CancellationToken); }
            catch (Exception) { _result.TrySetException(running.Exception!.InnerExceptions); }
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
