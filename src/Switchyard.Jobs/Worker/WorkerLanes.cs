namespace Switchyard.Jobs.Workers; // not ".Worker": that would hide the Worker class

/// <summary>
/// The lanes a worker runs handlers on, created when first needed. Concurrency is limited per queue by the
/// worker, so the Io lane itself is unbounded and never blocks a thread per job.
/// </summary>
internal sealed class WorkerLanes(TimeProvider time) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private Lane? _io, _cpu, _loop, _auto;

    public Lane For(LaneKind kind)
    {
        lock (_gate)
        {
            return kind switch
            {
                LaneKind.Io => _io ??= Lane.Io(new IoLaneOptions { Name = "jobs-io", MaxConcurrency = IoLaneOptions.Unbounded, TimeProvider = time, Shutdown = LaneShutdown.Cancel }),
                LaneKind.Cpu => _cpu ??= Lane.Cpu(new CpuLaneOptions { Name = "jobs-cpu", TimeProvider = time, Shutdown = LaneShutdown.Cancel }),
                LaneKind.Loop => _loop ??= Lane.Loop(new LoopLaneOptions { Name = "jobs-loop", TimeProvider = time, Shutdown = LaneShutdown.Cancel }),
                LaneKind.Auto => _auto ??= Lane.Auto(new AutoLaneOptions { Name = "jobs-auto", TimeProvider = time, Shutdown = LaneShutdown.Cancel }),
                // TODO(process-lane): a handler object cannot travel to a worker process; Process-lane handlers need a
                // static entry point the worker host can load (as `--handlers-assembly` does for workers). Until then,
                // the only place Process falls back: to the Cpu lane.
                LaneKind.Process => For(LaneKind.Cpu),
                _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown lane kind."),
            };
        }
    }

    public async ValueTask DisposeAsync()
    {
        Lane?[] lanes;
        lock (_gate) lanes = [_io, _cpu, _loop, _auto];
        foreach (var lane in lanes)
        {
            if (lane is not null) await lane.DisposeAsync().ConfigureAwait(false);
        }
    }
}
