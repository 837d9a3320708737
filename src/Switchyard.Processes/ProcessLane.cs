using System.Runtime.CompilerServices;
using Switchyard.Diagnostics;
using Switchyard.Map;
using Switchyard.Processes.Work;
using Switchyard.Processes.Workers;

namespace Switchyard.Processes;

/// <summary>
/// The <see cref="LaneKind.Process"/> lane: a pool of worker processes for .NET code, with the same map, stream,
/// scope and pipeline API as the other lanes. Workers are reused, recycled after
/// <see cref="ProcessLaneOptions.MaxItemsPerWorker"/> items, killed after <see cref="ProcessLaneOptions.ItemTimeout"/>,
/// and replaced when they die; a dead worker fails only what it was running (<see cref="WorkerDiedException"/>).
/// </summary>
/// <remarks>
/// <para><b>Work</b> is a static method (or a lambda that captures nothing) in an assembly on disk: its identity
/// travels, never a closure, so a closure or an instance method is refused with an <see cref="ArgumentException"/>.
/// It takes one argument (or several, through <see cref="ProcessLaneMapExtensions.StarMapAsync{T1,T2,TOut}"/>),
/// optionally a trailing <see cref="CancellationToken"/>, and returns a result, sync or as a <see cref="Task{T}"/>.
/// Arguments and results travel as System.Text.Json (fields included, so tuples work).</para>
/// <para><b>Workers</b> run the generic host <c>switchyard-worker.dll</c> (copied beside Switchyard.Processes.dll by
/// the build) with the <c>dotnet</c> that runs this process; it loads the work's assembly by path, its dependencies
/// resolved from that assembly's folder and deps.json. The protocol uses a Unix domain socket per worker, so what
/// the work prints on stdout or stderr is only forwarded to <see cref="ProcessLaneOptions.WorkerOutput"/>.</para>
/// <para><b>Maps</b> ship each chunk as one message. When <see cref="MapOptions.ChunkSize"/> is left null the chunk size
/// is Python's: length / (4 × workers) for an input of known length (at most half the default window per worker), else 1.
/// <see cref="MapOptions.ItemTimeout"/> and <see cref="MapOptions.Retry"/> do not apply here: use
/// <see cref="ProcessLaneOptions.ItemTimeout"/> and <see cref="ProcessLaneOptions.RetryItemsOfDeadWorker"/>.
/// A thrown exception comes back as a <see cref="RemoteWorkException"/> with the remote type, message and stack trace.</para>
/// <para><b>Deaths.</b> A worker holds the chunk it runs and up to three more queued behind it (up to fifteen while they
/// are tiny, under 64 items in all, and it answers quickly). Chunks travel in groups: up to eight tiny chunks of one
/// write (under 64 items in all) share one, a bigger chunk has its own. A worker answers a group as a whole, in one
/// write, before it starts the next, so a death is pinned on one group. When that group held one unanswered chunk, or <see cref="ProcessLaneOptions.ItemTimeout"/> is set (answers
/// then come one by one), the running chunk is known and its unanswered items fail (exactly the running item when
/// chunks are of one item, or with the timeout). Otherwise each unanswered chunk of the group runs again as a group of
/// its own: one that dies again is then known and fails as above, and the others complete. So at chunk size 1 exactly
/// the item that crashed fails, but a few items around it may run twice, and an item whose worker was killed from
/// outside may run again and succeed. Chunks of later groups never started and simply run on another worker.</para>
/// <para><b>Cancellation</b> of a running item fires the token its method receives (if it takes one) and skips the
/// rest of its chunk; work that has not stopped after <see cref="ProcessLaneOptions.CancellationGrace"/> is killed
/// with its worker. Disposal kills every worker and waits for it to exit.</para>
/// </remarks>
public sealed class ProcessLane : Lane
{
    private readonly WorkerPool _pool;
    private readonly ConditionalWeakTable<Delegate, object> _shipments = new();

    private ProcessLane(ProcessLaneOptions options, WorkerSettings settings) : base(options, LaneKind.Process) =>
        _pool = new WorkerPool(settings);

    /// <summary>Creates a Process lane and starts its workers.</summary>
    /// <exception cref="ArgumentException">An option breaks its rule (the message names it).</exception>
    public static ProcessLane Create(ProcessLaneOptions? options = null)
    {
        options ??= new ProcessLaneOptions();
        return new ProcessLane(options, WorkerSettings.From(options));
    }

    /// <summary>The number of worker processes.</summary>
    public override int Parallelism => _pool.Settings.Workers;

    /// <summary>Items pulled ahead: enough for big chunks to keep every worker fed with one chunk queued behind the one it runs.</summary>
    internal override int DefaultWindow => (int)Math.Clamp(4096L * Parallelism, 4096, 1 << 16);

    /// <summary>Its default window already counts items; a larger explicit chunk still gets two chunks per worker.</summary>
    internal override int DefaultWindowFor(int chunkSize) =>
        (int)Math.Min(int.MaxValue, Math.Max(DefaultWindow, 2L * Parallelism * chunkSize));

    /// <summary>
    /// Python's default for <c>Pool.map</c> when the length is known: length / (4 × workers), rounded up, at least 1;
    /// but never more than half the default window per worker, so every worker has a chunk to run and one waiting.
    /// </summary>
    internal override int DefaultChunkSize(long? knownLength)
    {
        if (knownLength is not { } length) return 1;
        var workers = (long)Parallelism;
        var python = Math.Max(1, (length + 4 * workers - 1) / (4 * workers));
        return (int)Math.Clamp(python, 1, Math.Max(1, DefaultWindow / (2 * workers)));
    }

    /// <summary>Runs <paramref name="work"/>(<paramref name="argument"/>) in a worker and returns its result.</summary>
    /// <exception cref="ArgumentException"><paramref name="work"/> is a closure or an instance method.</exception>
    public Task<TOut> SubmitAsync<TIn, TOut>(Func<TIn, TOut> work, TIn argument, CancellationToken cancellationToken = default) =>
        Submit<TIn, TOut>(work, argument, cancellationToken);

    /// <summary>Runs asynchronous <paramref name="work"/>(<paramref name="argument"/>) in a worker and returns its result.</summary>
    /// <exception cref="ArgumentException"><paramref name="work"/> is a closure or an instance method.</exception>
    public Task<TOut> SubmitAsync<TIn, TOut>(Func<TIn, Task<TOut>> work, TIn argument, CancellationToken cancellationToken = default) =>
        Submit<TIn, TOut>(work, argument, cancellationToken);

    /// <summary>Runs asynchronous <paramref name="work"/>(<paramref name="argument"/>, token) in a worker; the token fires there when <paramref name="cancellationToken"/> does.</summary>
    /// <exception cref="ArgumentException"><paramref name="work"/> is a closure or an instance method.</exception>
    public Task<TOut> SubmitAsync<TIn, TOut>(Func<TIn, CancellationToken, ValueTask<TOut>> work, TIn argument, CancellationToken cancellationToken = default) =>
        Submit<TIn, TOut>(work, argument, cancellationToken);

    /// <summary>A snapshot of the workers: alive, busy, restarts, recycles, items done and failed, process ids.</summary>
    public ProcessPoolStatistics PoolStatistics() => _pool.Statistics();

    internal override Task<TOut> RunItemAsync<TIn, TOut>(Func<TIn, TOut> body, TIn item, CancellationToken cancellationToken) =>
        Submit<TIn, TOut>(body, item, cancellationToken);

    internal override Task<TOut> RunItemAsync<TIn, TOut>(Func<TIn, CancellationToken, ValueTask<TOut>> body, TIn item, CancellationToken cancellationToken) =>
        Submit<TIn, TOut>(body, item, cancellationToken);

    internal override Task RunChunkAsync<TIn, TOut>(MapChunk<TIn, TOut> chunk, CancellationToken cancellationToken)
    {
        var shipment = ShipmentOf<TIn>(chunk.Body.Delegate, "body");
        Func<CancellationToken, ValueTask<bool>> run = new LocalWork<bool>(async token =>
        {
            var job = new ChunkJob<TIn, TOut>(chunk, shipment, token);
            _pool.Enqueue(job);
            await job.Completion.ConfigureAwait(false);
            return true;
        }).RunAsync;
        return RunAsync(run, cancellationToken);
    }

    private protected override Task<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> work, Ticket ticket) =>
        work.Target is LocalWork<T> ? InvokeAsync(work, ticket) : Ship<T>(work.Target is VoidWork v ? v.Work : work, work.Target is VoidWork, ticket);

    private protected override Task<T> ExecuteSync<T>(Func<CancellationToken, T> work, Ticket ticket) => Ship<T>(work, false, ticket);

    private protected override async ValueTask StopAsync() => await _pool.DisposeAsync().ConfigureAwait(false);

    /// <summary>Ships work that takes only the token (<c>RunAsync</c>, a scope's child); it was admitted already.</summary>
    private Task<T> Ship<T>(Delegate work, bool ignoreValue, Ticket ticket)
    {
        Shipment<object?> shipment;
        try
        {
            shipment = ShipmentOf<object?>(work, nameof(work));
        }
        catch
        {
            Counters.Queued();
            Abandon(ticket, ItemOutcome.Failed);
            throw;
        }
        return InvokeAsync(token => new ValueTask<T>(Enqueue(new ItemJob<object?, T>(shipment, null, ignoreValue, token))), ticket);
    }

    private Task<TOut> Submit<TIn, TOut>(Delegate work, TIn argument, CancellationToken cancellationToken)
    {
        var shipment = ShipmentOf<TIn>(work, nameof(work)); // refused here, before the lane admits anything
        Func<CancellationToken, ValueTask<TOut>> run =
            new LocalWork<TOut>(token => Enqueue(new ItemJob<TIn, TOut>(shipment, argument, false, token))).RunAsync;
        return RunAsync(run, cancellationToken);
    }

    private Task<TOut> Enqueue<TIn, TOut>(ItemJob<TIn, TOut> job)
    {
        _pool.Enqueue(job);
        return job.Result;
    }

    // Identifying a delegate uses reflection; a map hands the same delegate for every chunk, so remember it.
    private Shipment<TIn> ShipmentOf<TIn>(Delegate work, string parameter)
    {
        if (_shipments.TryGetValue(work, out var known) && known is Shipment<TIn> shipment) return shipment;
        shipment = Shipment<TIn>.Of(work, parameter, _pool);
        _shipments.AddOrUpdate(work, shipment);
        return shipment;
    }
}
