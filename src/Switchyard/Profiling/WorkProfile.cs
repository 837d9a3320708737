namespace Switchyard;

/// <summary>What one piece of work cost, measured by <see cref="Profiler"/>, and what that says about it.</summary>
public sealed record WorkProfile
{
    /// <summary>Elapsed time from start to end.</summary>
    public required TimeSpan Wall { get; init; }

    /// <summary>CPU time in user mode (all threads, and for a command all its children).</summary>
    public required TimeSpan UserCpu { get; init; }

    /// <summary>CPU time in the kernel on the work's behalf.</summary>
    public required TimeSpan SystemCpu { get; init; }

    /// <summary>Time the work was ready to run but waited for a core (Linux schedstat): contention, not the work's own waiting.</summary>
    public TimeSpan RunQueueWait { get; init; }

    /// <summary>Peak resident set size in bytes, when known.</summary>
    public long? PeakRssBytes { get; init; }

    /// <summary>Bytes read through read-like system calls (/proc/PID/io rchar), when known.</summary>
    public long? BytesRead { get; init; }

    /// <summary>Bytes written through write-like system calls (/proc/PID/io wchar), when known.</summary>
    public long? BytesWritten { get; init; }

    /// <summary>Times the work gave up the CPU to wait (voluntary context switches), when known.</summary>
    public long? VoluntarySwitches { get; init; }

    /// <summary>Times the work was preempted (involuntary context switches), when known.</summary>
    public long? InvoluntarySwitches { get; init; }

    /// <summary>How many runs were measured; the figures are those of the median run by wall time.</summary>
    public int Runs { get; init; } = 1;

    /// <summary>The classification.</summary>
    public required WorkClass Class { get; init; }

    /// <summary>The recommended lane and concurrency, with the reasoning.</summary>
    public required Recommendation Recommendation { get; init; }

    /// <summary>User plus system CPU time.</summary>
    public TimeSpan Cpu => UserCpu + SystemCpu;

    /// <summary>CPU time over wall time, in cores (1.0 = one core busy the whole time).</summary>
    public double Utilisation => Wall > TimeSpan.Zero ? Cpu / Wall : 0;
}
