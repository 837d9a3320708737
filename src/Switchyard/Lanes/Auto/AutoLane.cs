using System.Diagnostics;
using System.Globalization;
using Switchyard.Diagnostics;
using Switchyard.Lanes.Auto;

namespace Switchyard;

/// <summary>
/// Measures the work, then routes it. The first <see cref="AutoLaneOptions.SampleSize"/> items run on the thread
/// pool under a <see cref="MeteringContext"/> that adds up each one's CPU time against the time it could run
/// (its wall time less waits for a core or a pool thread and garbage-collection pauses);
/// items that arrive meanwhile run provisionally on the pool. The median sample's utilisation at or above
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
    private readonly List<(TimeSpan Cpu, TimeSpan Runnable)> _samples = [];
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

    // A map fixes its window when it starts, usually while the lane is still sampling: size it for the widest
    // route, not for the sample.
    internal override int DefaultWindow => Math.Clamp(2 * _options.MaxConcurrency, 2, 4096);

    /// <summary>Where the work goes, once decided.</summary>
    public LaneKind? Route => _route.Task.IsCompletedSuccessfully ? _route.Task.Result.Target.Kind : null;

    /// <summary>The last decision, in words.</summary>
    public string Decision { get { lock (_samplesLock) return _decision; } }

    private protected override Task<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> work, Ticket ticket)
    {
        if (_route.Task.IsCompletedSuccessfully)
            return InvokeAsync(ct => RouteAsync(work, ct), ticket);
        // Until the samples are in, the rest run provisionally on the pool rather than wait for the decision.
        return Interlocked.Increment(ref _admitted) <= _options.SampleSize
            ? InvokeAsync(ct => SampleAsync(work, ct), ticket)
            : InvokeAsync(ct => new ValueTask<T>(Task.Run(() => _io.RunAsync(work, ct), ct)), ticket);
    }

    private protected override LaneStatistics Decorate(LaneStatistics statistics) =>
        statistics with { Limit = Parallelism, Route = Route };

    private async ValueTask<T> SampleAsync<T>(Func<CancellationToken, ValueTask<T>> work, CancellationToken cancellationToken)
    {
        var meter = new MeteringContext();
        try
        {
            // On the pool, so samples run side by side and the caller is not held by a CPU-bound start.
            // The clock starts when the item does: time queued for a pool thread is not the item's own waiting.
            return await Task.Run(() => meter.Measure(() => work(cancellationToken)), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            var runnable = meter.Runnable;
            bool complete;
            lock (_samplesLock)
            {
                _samples.Add((meter.Cpu, runnable > TimeSpan.Zero ? runnable : TimeSpan.FromTicks(1)));
                complete = _samples.Count == _options.SampleSize;
            }
            if (complete) Decide();
        }
    }

    private async ValueTask<T> RouteAsync<T>(Func<CancellationToken, ValueTask<T>> work, CancellationToken cancellationToken)
    {
        var (target, limit) = await _route.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        await limit.AcquireAsync(cancellationToken).ConfigureAwait(false);
        var begun = Stopwatch.GetTimestamp();
        try
        {
            // The Io lane starts work on the caller's thread; the Auto lane's caller (a map's pump, say) must not
            // run a measurable synchronous start serially, so routed Io items start on the pool.
            return target == _io
                ? await Task.Run(() => _io.RunAsync(work, cancellationToken), cancellationToken).ConfigureAwait(false)
                : await target.RunAsync(work, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            limit.Release(Stopwatch.GetElapsedTime(begun));
        }
    }

    private void Decide()
    {
        // The median sample: the first items also pay for JIT compilation, which is not the work's own CPU.
        (TimeSpan Cpu, TimeSpan Runnable) median;
        lock (_samplesLock) median = _samples.OrderBy(s => s.Cpu / s.Runnable).ElementAt(_samples.Count / 2);
        var (cpu, runnable) = median;
        var utilisation = cpu / runnable;
        var cpuBound = utilisation >= _options.CpuBoundAt;
        var cores = _options.CpuWorkers;
        // On the Cpu route the lane's workers bound the parallelism; twice as many admitted keeps their queue fed.
        var initial = cpuBound
            ? 2 * cores
            : Profiler.Recommend(cpu, runnable, cores, _options.MaxConcurrency).Concurrency;
        var limit = new GradientLimit(initial, _options.MinConcurrency, cpuBound ? 2 * cores : _options.MaxConcurrency, _options.AdaptEvery);
        var decision = string.Create(CultureInfo.InvariantCulture,
            $"the median of {_options.SampleSize} samples used {cpu.TotalMilliseconds:0.###} ms CPU in {runnable.TotalMilliseconds:0.#} ms able to run " +
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
