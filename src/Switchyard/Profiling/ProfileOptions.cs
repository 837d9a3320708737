namespace Switchyard;

/// <summary>Options of <see cref="Profiler"/>.</summary>
public sealed class ProfileOptions
{
    /// <summary>How many times to run the work; the median run by wall time is reported. Default: 1.</summary>
    public int Runs { get; init; } = 1;

    /// <summary>The cores to size for. Default: <see cref="Environment.ProcessorCount"/>.</summary>
    public int Cores { get; init; } = Environment.ProcessorCount;

    /// <summary>The highest concurrency ever recommended. Default: 1024 (the Io lane's default limit).</summary>
    public int MaxConcurrency { get; init; } = 1024;

    /// <summary>How often a command's process tree is sampled for I/O, memory and run-queue figures. Default: 10 ms.</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    internal static readonly ProfileOptions Default = new();

    internal void Validate()
    {
        if (Runs < 1) throw new ArgumentException($"ProfileOptions.Runs must be at least 1 (was {Runs}).");
        if (Cores < 1) throw new ArgumentException($"ProfileOptions.Cores must be at least 1 (was {Cores}).");
        if (MaxConcurrency < 1) throw new ArgumentException($"ProfileOptions.MaxConcurrency must be at least 1 (was {MaxConcurrency}).");
        if (SampleInterval <= TimeSpan.Zero) throw new ArgumentException($"ProfileOptions.SampleInterval must be positive (was {SampleInterval}).");
    }
}
