using System.Diagnostics;
using System.Globalization;
using Switchyard.Diagnostics;
using Switchyard.Lanes.Auto;

namespace Switchyard;

/// <summary>
/// Measures the work, then routes it. The first <see cref="AutoLaneOptions.SampleSize"/> items run on the thread
/// pool under a <see cref="MeteringContext"/> that adds up each one's CPU time against the time it could run;
/// items that arrive meanwhile wait for the decision. Utilisation at or above
/// <see cref="AutoLaneOptions.CpuBoundAt"/> routes to a Cpu lane (concurrency ≤ its workers); below, to an
/// unbounded Io lane behind a <see cref="GradientLimit"/> that starts at the profiler's
/// cores × (1 + wait/compute) and keeps adapting to the latency it sees.
/// </summary>
internal sealed class AutoLane : Lane
{
    private readonly AutoLaneOptions _options;
    private readonly Lane _io;
    private readonly Lane _cpu;
    private readonly TaskCompletionSource<(Lane Target, GradientLimit Limit)> _route = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _samplesLock = new();
    private long _sampleCpuTicks;
    private long _sampleRunnableTicks;
    private int _samplesDone;
    private int _admitted;
    private string _decision = "measuring";

    public AutoLane(AutoLaneOptions options) : base(options, LaneKind.Auto)
    {
        options.Validate();
        _options = options;
        // The inner lanes are the Auto lane's own business: unbounded, no stall reports of their own.
        _io = Io(new IoLaneOptions { Name = $"{Name}.io", MaxConcurrency = IoLaneOptions.Unbounded, StallThreshold = null, TimeProvider = options.TimeProvider });
        _cpu = Cpu(new CpuLaneOptions { Name = $"{Name}.cpu", Workers = options.CpuWorkers, StallThreshold = null, TimeProvider = options.TimeProvider });
    }

    public override int Parallelism => _route.Task.IsCompletedSuccessfully ? _route.Task.Result.Limit.Current : _options.SampleSize;

    /// <summary>Where the work goes, once decided.</summary>
    public LaneKind? Route => _route.Task.IsCompletedSuccessfully ? _route.Task.Result.Target.Kind : null;

    /// <summary>The last decision, in words.</summary>
    public string Decision { get { lock (_samplesLock) return _decision; } }

    private protected override Task<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> work, Ticket ticket)
    {
        if (!_route.Task.IsCompletedSuccessfully && Interlocked.Increment(ref _admitted) <= _options.SampleSize)
            return InvokeAsync(ct => SampleAsync(work, ct), ticket);
        return InvokeAsync(ct => RouteAsync(work, ct), ticket);
    }

    private protected override LaneStatistics Decorate(LaneStatistics statistics) =>
        statistics with { Limit = Parallelism, Route = Route };

    private async ValueTask<T> SampleAsync<T>(Func<CancellationToken, ValueTask<T>> work, CancellationToken cancellationToken)
    {
        var meter = new MeteringContext();
        long begun = 0;
        try
        {
            // On the pool, so samples run side by side and the caller is not held by a CPU-bound start.
            // The clock starts when the item does: time queued for a pool thread is not the item's own waiting.
            return await Task.Run(() =>
            {
                begun = Stopwatch.GetTimestamp();
                return meter.Run(() => work(cancellationToken).AsTask());
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            var runnable = (begun == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(begun)) - meter.RunQueueWait;
            Interlocked.Add(ref _sampleCpuTicks, meter.Cpu.Ticks);
            Interlocked.Add(ref _sampleRunnableTicks, Math.Max(1, runnable.Ticks));
            if (Interlocked.Increment(ref _samplesDone) == _options.SampleSize) Decide();
        }
    }

    private async ValueTask<T> RouteAsync<T>(Func<CancellationToken, ValueTask<T>> work, CancellationToken cancellationToken)
    {
        var (target, limit) = await _route.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        await limit.AcquireAsync(cancellationToken).ConfigureAwait(false);
        var begun = Stopwatch.GetTimestamp();
        try
        {
            return await target.RunAsync(work, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            limit.Release(Stopwatch.GetElapsedTime(begun));
        }
    }

    private void Decide()
    {
        var cpu = TimeSpan.FromTicks(Interlocked.Read(ref _sampleCpuTicks));
        var runnable = TimeSpan.FromTicks(Interlocked.Read(ref _sampleRunnableTicks));
        var utilisation = cpu / runnable;
        var cpuBound = utilisation >= _options.CpuBoundAt;
        var cores = _options.CpuWorkers;
        var initial = cpuBound
            ? cores
            : Profiler.Recommend(cpu, runnable, cores, _options.MaxConcurrency).Concurrency;
        var limit = new GradientLimit(initial, _options.MinConcurrency, cpuBound ? cores : _options.MaxConcurrency, _options.AdaptEvery);
        var decision = string.Create(CultureInfo.InvariantCulture,
            $"{_options.SampleSize} samples used {cpu.TotalMilliseconds:0.#} ms CPU in {runnable.TotalMilliseconds:0.#} ms able to run " +
            $"(utilisation {utilisation:0.00}, threshold {_options.CpuBoundAt}): routing to the {(cpuBound ? "Cpu" : "Io")} lane " +
            $"with concurrency {initial}{(cpuBound ? "" : $", adapting between {_options.MinConcurrency} and {_options.MaxConcurrency}")}.");
        lock (_samplesLock) _decision = decision;
        if (Logger is not null) Log.AutoDecision(Logger, Name, decision);
        Activity.Current?.AddEvent(new ActivityEvent("switchyard.auto.decision", tags: new ActivityTagsCollection { ["decision"] = decision }));
        _route.TrySetResult((cpuBound ? _cpu : _io, limit));
    }

    private protected override async ValueTask StopAsync()
    {
        await _io.DisposeAsync().ConfigureAwait(false);
        await _cpu.DisposeAsync().ConfigureAwait(false);
    }
}
