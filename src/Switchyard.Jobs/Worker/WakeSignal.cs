namespace Switchyard.Jobs.Workers; // not ".Worker": that would hide the Worker class

/// <summary>An auto-reset signal a loop waits on with a timeout of the injected clock.</summary>
internal sealed class WakeSignal
{
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Set() => Volatile.Read(ref _signal).TrySetResult();

    /// <summary>Waits until <see cref="Set"/> is called (or was, since the last wait) or <paramref name="timeout"/> passes.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var signal = Volatile.Read(ref _signal);
        if (!signal.Task.IsCompleted)
        {
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(timeout, time, timer.Token);
            await Task.WhenAny(signal.Task, delay).ConfigureAwait(false);
            await timer.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
        Interlocked.CompareExchange(ref _signal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), signal);
    }
}
