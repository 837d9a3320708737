using System.Collections.Concurrent;
using Npgsql;

namespace Switchyard.Jobs.Postgres;

/// <summary>
/// LISTEN on one dedicated connection, reconnecting after any failure (a server restart, say), and a debounced
/// hand-off of the notified queue names: the first notification is raised at once, those that follow within
/// <see cref="PostgresJobStoreOptions.NotifyDebounce"/> are merged into the next raise.
/// </summary>
internal sealed class PostgresListener : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _channel;
    private readonly TimeSpan _debounce;
    private readonly TextWriter? _log;
    private readonly Action<IReadOnlyCollection<string>> _raise;
    private readonly ConcurrentDictionary<string, byte> _pending = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _listen;
    private readonly Task _dispatch;

    public PostgresListener(NpgsqlDataSource dataSource, string channel, TimeSpan debounce, TextWriter? log, Action<IReadOnlyCollection<string>> raise)
    {
        _dataSource = dataSource;
        _channel = channel;
        _debounce = debounce;
        _log = log;
        _raise = raise;
        _listen = Task.Run(ListenAsync);
        _dispatch = Task.Run(DispatchAsync);
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
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // A raise is already due; it takes this queue too.
        }
    }

    private async Task DispatchAsync()
    {
        var token = _stop.Token;
        try
        {
            while (true)
            {
                await _signal.WaitAsync(token).ConfigureAwait(false);
                var queues = new List<string>();
                foreach (var queue in _pending.Keys)
                {
                    if (_pending.TryRemove(queue, out _)) queues.Add(queue);
                }
                if (queues.Count > 0) _raise(queues);
                if (_debounce > TimeSpan.Zero) await Task.Delay(_debounce, token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_listen, _dispatch).ConfigureAwait(false);
        _stop.Dispose();
        _signal.Dispose();
    }
}
