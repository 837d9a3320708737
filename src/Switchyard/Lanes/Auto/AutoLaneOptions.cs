namespace Switchyard;

/// <summary>Options of the <see cref="LaneKind.Auto"/> lane.</summary>
public sealed class AutoLaneOptions : LaneOptions
{
    /// <summary>How many first items are measured before the lane decides where the work goes. Default: 16.</summary>
    public int SampleSize { get; init; } = 16;

    /// <summary>
    /// Work whose measured utilisation (CPU time over the time it could run) reaches this goes to the Cpu lane;
    /// below it, to the Io lane. Default: 0.5 (it computes more than it waits).
    /// </summary>
    public double CpuBoundAt { get; init; } = 0.5;

    /// <summary>The lowest concurrency the lane adapts down to. Default: 1.</summary>
    public int MinConcurrency { get; init; } = 1;

    /// <summary>The highest concurrency the lane adapts up to on the Io route. Default: 1024.</summary>
    public int MaxConcurrency { get; init; } = 1024;

    /// <summary>Worker threads of the Cpu route, and its concurrency ceiling. Default: <see cref="Environment.ProcessorCount"/>.</summary>
    public int CpuWorkers { get; init; } = Environment.ProcessorCount;

    /// <summary>How many completed items make one adaptation step. Default: 32.</summary>
    public int AdaptEvery { get; init; } = 32;

    internal void Validate()
    {
        if (SampleSize < 1) throw new ArgumentException($"AutoLaneOptions.SampleSize must be at least 1 (was {SampleSize}).");
        if (CpuBoundAt is <= 0 or > 1) throw new ArgumentException($"AutoLaneOptions.CpuBoundAt must be in (0, 1] (was {CpuBoundAt}).");
        if (MinConcurrency < 1) throw new ArgumentException($"AutoLaneOptions.MinConcurrency must be at least 1 (was {MinConcurrency}).");
        if (MaxConcurrency < MinConcurrency) throw new ArgumentException($"AutoLaneOptions.MaxConcurrency must be at least MinConcurrency (was {MaxConcurrency}).");
        if (CpuWorkers < 1) throw new ArgumentException($"AutoLaneOptions.CpuWorkers must be at least 1 (was {CpuWorkers}).");
        if (AdaptEvery < 1) throw new ArgumentException($"AutoLaneOptions.AdaptEvery must be at least 1 (was {AdaptEvery}).");
    }
}
