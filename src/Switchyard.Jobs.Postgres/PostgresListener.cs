using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;

namespace Switchyard.Jobs.Postgres;

/// <summary>
/// LISTEN on one dedicated connection, reconnecting after any failure (a server restart, say), and a debounced
/// hand-off of the notified queue names: a notification after a quiet gap is raised at once, on the thread that read
/// it; those that follow within <see cref="PostgresJobStoreOptions.NotifyDebounce"/> of a raise are merged into one
/// raise at the end of that gap.
/// </summary>
internal sealed class PostgresListener : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _channel;
    private readonly TimeSpan _debounce;
    private readonly TextWriter? _log;
    private readonly Action<IReadOnlyCollection<string>> _raise;
    private readonly ConcurrentDictionary<string, byte> _pending = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _listen;
    private long _lastRaise;
    private int _raiseDue;

    public PostgresListener(NpgsqlDataSource dataSource, string channel, TimeSpan debounce, TextWriter? log, Action<IReadOnlyCollection<string>> raise)
    {
        _dataSource = dataSource;
        _channel = channel;
        _debounce = debounce;
        _log = log;
        _raise = raise;
        _listen = Task.Run(ListenAsync);
    }

    private async Task ListenAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
                connection.Notification += (_, e) => Notify(e.Payload);
#pragma warning disable CA2100 // the channel is built from a schema name checked to be an identifier
                await using (var listen = new NpgsqlCommand($"LISTEN \"{_channel}\"", connection))
#pragma warning restore CA2100
                    await listen.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                while (!token.IsCancellationRequested)
                    await connection.WaitAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // any failure of the connection: wait, reconnect; polling covers the gap
            catch (Exception e)
#pragma warning restore CA1031
            {
                _log?.WriteLine($"postgres store: listener lost its connection ({e.Message}); reconnecting.");
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void Notify(string queue)
    {
        _pending[queue] = 0;
        // One raise at a time is due; a notification that finds one due is taken by it.
        if (Interlocked.CompareExchange(ref _raiseDue, 1, 0) != 0) return;
        var wait = _debounce - Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastRaise));
        if (wait <= TimeSpan.Zero) Raise();
        else _ = RaiseLaterAsync(wait);
    }

    private async Task RaiseLaterAsync(TimeSpan wait)
    {
        try
        {
            await Task.Delay(wait, _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        Raise();
    }

    private void Raise()
    {
        Interlocked.Exchange(ref _lastRaise, Stopwatch.GetTimestamp());
        // Cleared before the names are taken: a notification from now on schedules its own raise.
        Volatile.Write(ref _raiseDue, 0);
        var queues = new List<string>();
        foreach (var queue in _pending.Keys)
        {
            if (_pending.TryRemove(queue, out _)) queues.Add(queue);
        }
        if (queues.Count > 0) _raise(queues);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _listen.ConfigureAwait(false);
        _stop.Dispose();
    }
}
