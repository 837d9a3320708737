namespace Switchyard.Jobs.Workers; // not ".Worker": that would hide the Worker class

/// <summary>A job this worker holds a lease on, from lease until its completion is stored.</summary>
internal sealed class RunningJob(Job job, long leasedAt, CancellationToken workerStop) : IDisposable
{
    /// <summary>When it was leased, as a timestamp of the worker's clock.</summary>
    public long LeasedAt { get; } = leasedAt;

    private readonly CancellationTokenSource _cancel = CancellationTokenSource.CreateLinkedTokenSource(workerStop);
    private int _cancelRequested, _lost, _abandoned;

    public Job Job { get; } = job;
    public CancellationToken Token => _cancel.Token;
    public bool CancelRequested => Volatile.Read(ref _cancelRequested) != 0;
    public bool Lost => Volatile.Read(ref _lost) != 0;

    public void RequestCancel()
    {
        Volatile.Write(ref _cancelRequested, 1);
        TryCancel();
    }

    public void MarkLost()
    {
        Volatile.Write(ref _lost, 1);
        TryCancel();
    }

    /// <summary>Claims the right to report this attempt's end; only the first caller (handler or shutdown) gets it.</summary>
    public bool TryClaimCompletion() => Interlocked.Exchange(ref _abandoned, 1) == 0;

    private void TryCancel()
    {
        try { _cancel.Cancel(); }
        catch (ObjectDisposedException) { }
    }

    public void Dispose() => _cancel.Dispose();
}
