using Switchyard.Threading;

namespace Switchyard;

/// <summary>
/// Work in parallel on dedicated threads, one per core by default. .NET threads run truly in parallel
/// (there is no GIL), so this lane is threads, not processes. Awaits inside async work resume on the
/// lane's threads (the lane's scheduler is the current one there), unless the work opts out with
/// <c>ConfigureAwait(false)</c>.
/// </summary>
internal sealed class CpuLane : Lane
{
    private readonly WorkerThreads _threads;

    public CpuLane(CpuLaneOptions options) : base(options, LaneKind.Cpu)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Workers, 1, "CpuLaneOptions.Workers");
        _threads = new WorkerThreads($"switchyard-{Name}", options.Workers);
    }

    public override int Parallelism => _threads.MaximumConcurrencyLevel;

    internal WorkerThreads Threads => _threads;

    private protected override Task<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> work, Ticket ticket) =>
        Dispatch(_threads, work, ticket);

    private protected override ValueTask StopAsync()
    {
        _threads.Dispose();
        return ValueTask.CompletedTask;
    }
}
