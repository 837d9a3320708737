namespace Switchyard.Cli.Run;

/// <summary>--delay: at least this long between two job starts (GNU parallel's --delay), on the given clock.</summary>
internal sealed class StartGate(TimeSpan delay, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _turn = new(1, 1);
    private long _lastStart = long.MinValue;

    public async ValueTask WaitTurnAsync(CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero) return;
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_lastStart != long.MinValue)
            {
                var wait = delay - time.GetElapsedTime(_lastStart);
                if (wait > TimeSpan.Zero) await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            }
            _lastStart = time.GetTimestamp();
        }
        finally
        {
            _turn.Release();
        }
    }

    public void Dispose() => _turn.Dispose();
}
