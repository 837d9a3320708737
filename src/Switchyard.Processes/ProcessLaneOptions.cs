namespace Switchyard.Processes;

/// <summary>Options of <see cref="ProcessLane.Create"/>.</summary>
public sealed class ProcessLaneOptions : LaneOptions
{
    /// <summary>How many worker processes run at once. Default: <see cref="System.Environment.ProcessorCount"/>.</summary>
    public int Workers { get; init; } = System.Environment.ProcessorCount;

    /// <summary>
    /// Recycle a worker (let it finish, stop it, start a fresh one) after it has run this many items, like Python's
    /// <c>maxtasksperchild</c> counted in items. Default: null (workers live as long as the lane).
    /// </summary>
    public int? MaxItemsPerWorker { get; init; }

    /// <summary>
    /// The longest one item may run in a worker. When it is exceeded the worker (its whole process tree) is killed,
    /// the item fails with a <see cref="TimeoutException"/> naming the limit, the items queued behind it run elsewhere,
    /// and a replacement worker starts. Setting it makes workers report every result at once (slightly slower for
    /// tiny items). Default: null (no limit).
    /// </summary>
    public TimeSpan? ItemTimeout { get; init; }

    /// <summary>
    /// How many times an item held by a worker that died is run again on another worker before it fails with
    /// <see cref="WorkerDiedException"/>. Timeouts are not retried. Default: 0.
    /// </summary>
    public int RetryItemsOfDeadWorker { get; init; }

    /// <summary>
    /// Run once in every worker before its first item (load a model, warm a cache): a static method or a
    /// capture-free lambda with no parameters, sync or returning a <see cref="Task"/>. If it throws, the worker
    /// does not start and the next queued item fails with the error. Default: null.
    /// </summary>
    public Delegate? Initializer { get; init; }

    /// <summary>
    /// How long a running item whose token was cancelled (by the caller, or by disposal with
    /// <see cref="LaneShutdown.Cancel"/>) may take to stop before its worker is killed and replaced; the item then
    /// ends cancelled. This is what makes work that ignores its token killable. Default: 5 seconds.
    /// </summary>
    public TimeSpan CancellationGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Environment variables set for every worker (for example <c>DOTNET_GCHeapHardLimit</c>). Default: none.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The generic worker host, <c>switchyard-worker.dll</c>. Default: null, meaning the copy beside
    /// Switchyard.Processes.dll (the build puts it there in every app, test and tool that references the library).
    /// </summary>
    public string? WorkerHostPath { get; init; }

    /// <summary>Where each line a worker prints (stdout or stderr) goes, prefixed with its process id. Default: <see cref="Console.Error"/>; null drops them (they are still drained).</summary>
    public TextWriter? WorkerOutput { get; init; } = Console.Error;

    /// <summary>How long a worker may take to start and connect. Default: 60 seconds (a loaded machine is slow to start .NET).</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
