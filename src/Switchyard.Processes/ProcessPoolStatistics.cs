namespace Switchyard.Processes;

/// <summary>A snapshot of a <see cref="ProcessLane"/>'s worker processes.</summary>
/// <param name="WorkersAlive">Workers running now.</param>
/// <param name="WorkersBusy">Workers holding at least one item.</param>
/// <param name="Restarts">Workers started to replace one that died or was killed by a timeout (recycling not counted).</param>
/// <param name="Recycles">Workers stopped and replaced after <see cref="ProcessLaneOptions.MaxItemsPerWorker"/> items.</param>
/// <param name="ItemsDone">Items that returned a result.</param>
/// <param name="ItemsFailed">Items that ended with an exception (thrown by the work, a dead worker, a timeout, a cancellation).</param>
/// <param name="WorkerPids">The process ids of the workers alive now.</param>
public sealed record ProcessPoolStatistics(
    int WorkersAlive, int WorkersBusy, long Restarts, long Recycles, long ItemsDone, long ItemsFailed, IReadOnlyList<int> WorkerPids);
