namespace Switchyard;

/// <summary>What the <see cref="ThreadPoolWatchdog"/> saw.</summary>
public sealed class ThreadPoolStarvationEventArgs : EventArgs
{
    internal ThreadPoolStarvationEventArgs(TimeSpan waited, int threads, long pending)
    {
        Waited = waited;
        Threads = threads;
        Pending = pending;
    }

    /// <summary>How long the probe waited before a pool thread ran it (up to the moment of the report).</summary>
    public TimeSpan Waited { get; }

    /// <summary>Pool threads at the time.</summary>
    public int Threads { get; }

    /// <summary>Work items waiting in the pool's queues at the time.</summary>
    public long Pending { get; }
}
