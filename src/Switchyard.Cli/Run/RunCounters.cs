namespace Switchyard.Cli.Run;

/// <summary>Live counts of a run, read by progress while jobs update them.</summary>
internal sealed class RunCounters
{
    private long _started;
    private long _finished;
    private long _failed;

    public long Started => Interlocked.Read(ref _started);

    public long Finished => Interlocked.Read(ref _finished);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Jobs in the input after resume filtering, when known up front.</summary>
    public long? Total { get; init; }

    public void JobStarted() => Interlocked.Increment(ref _started);

    /// <summary>Takes back <see cref="JobStarted"/> for a job a halt stopped before it ran.</summary>
    public void JobNotStarted() => Interlocked.Decrement(ref _started);

    /// <summary>Counts a finished job; returns (failed, finished) after it.</summary>
    public (long Failed, long Finished) JobFinished(bool failed)
    {
        var f = failed ? Interlocked.Increment(ref _failed) : Failed;
        return (f, Interlocked.Increment(ref _finished));
    }
}
