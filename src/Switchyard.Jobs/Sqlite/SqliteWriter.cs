using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Switchyard.Jobs.Sqlite;

/// <summary>
/// The one writer of a store: write requests from every caller queue here, and the loop runs all that are
/// waiting in one transaction (each inside its own savepoint, so one failing request fails alone), commits
/// once, and only then acknowledges each caller. Group commit keeps throughput near SQLite's raw limit
/// while every acknowledgement still means "committed".
/// The writer also hands out the change feed's sequence: SQL calls <c>next_change()</c> for each row it changes; the counter
/// is read from <c>job_changes</c> when the batch takes the write lock and written back before the commit, so (one writer
/// at a time, across processes) sequences follow commit order and a committed one is never handed out again.
/// </summary>
internal sealed class SqliteWriter : IAsyncDisposable
{
    private readonly Channel<WriteRequest> _requests = Channel.CreateUnbounded<WriteRequest>(
        new UnboundedChannelOptions { SingleReader = true });
    private readonly SqliteConnection _connection;
    private readonly int _maxBatch;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly Task _loop;
    private readonly Action _changed;
    private long _nextChange;

    public SqliteWriter(SqliteConnection connection, int maxBatch, Action changed)
    {
        _connection = connection;
        _maxBatch = maxBatch;
        _changed = changed;
        connection.CreateFunction("next_change", () => ++_nextChange, isDeterministic: false);
        _loop = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>Runs <paramref name="work"/> inside the next batch's transaction; completes after the commit.</summary>
    public Task<T> WriteAsync<T>(Func<WriteScope, T> work, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var request = new WriteRequest<T>(work);
        if (!_requests.Writer.TryWrite(request))
            throw new ObjectDisposedException(nameof(SqliteJobStore), "The job store is closed.");
        return request.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<WriteRequest>(_maxBatch);
        while (await _requests.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < _maxBatch && _requests.Reader.TryRead(out var request))
                batch.Add(request);
            RunBatch(batch);
            batch.Clear();
        }
    }

    private void RunBatch(List<WriteRequest> batch)
    {
        var changed = false;
        try
        {
            using var transaction = _connection.BeginTransaction(deferred: false);
            var lastChange = _nextChange = Convert.ToInt64(Command("SELECT last FROM job_changes", transaction).ExecuteScalar(),
                System.Globalization.CultureInfo.InvariantCulture);
            var scope = new WriteScope(this, transaction);
            for (var i = 0; i < batch.Count; i++)
            {
                transaction.Save("r");
                try
                {
                    batch[i].Run(scope);
                    transaction.Release("r");
                }
#pragma warning disable CA1031 // a request's failure belongs to its caller, not to the batch
                catch (Exception e)
#pragma warning restore CA1031
                {
                    transaction.Rollback("r");
                    transaction.Release("r");
                    batch[i].Error = e;
                }
            }
            if (_nextChange != lastChange)
            {
                var save = Command("UPDATE job_changes SET last = $last", transaction);
                save.Parameters.Add("$last", _nextChange);
                save.ExecuteNonQuery();
                changed = true;
            }
            transaction.Commit();
        }
#pragma warning disable CA1031 // a failed commit fails every caller of the batch
        catch (Exception e)
#pragma warning restore CA1031
        {
            foreach (var request in batch)
                request.Error ??= e;
            foreach (var request in batch)
                request.Fail(request.Error!);
            return;
        }
        if (changed)
        {
            try
            {
                _changed();
            }
#pragma warning disable CA1031 // a subscriber's bug must not stop the one writer of the store
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
        foreach (var request in batch)
        {
            if (request.Error is { } error) request.Fail(error);
            else request.Acknowledge();
        }
    }

    internal SqliteCommand Command(string sql, SqliteTransaction transaction)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
#pragma warning disable CA2100 // SQL text comes from the store's own constants; values travel as parameters
            command.CommandText = sql;
#pragma warning restore CA2100
            _commands[sql] = command;
        }
        command.Transaction = transaction;
        // Parameters stay from the last use and are overwritten by name (SqliteJobRows.Add): one SQL text always binds
        // the same names, and re-creating them costs more than the statement itself.
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        _requests.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        foreach (var command in _commands.Values)
            command.Dispose();
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private abstract class WriteRequest
    {
        public Exception? Error { get; set; }
        public abstract void Run(WriteScope scope);
        public abstract void Acknowledge();
        public abstract void Fail(Exception error);
    }

    private sealed class WriteRequest<T>(Func<WriteScope, T> work) : WriteRequest
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;
        public Task<T> Task => _done.Task;
        public override void Run(WriteScope scope) => _result = work(scope);
        public override void Acknowledge() => _done.TrySetResult(_result);
        public override void Fail(Exception error) => _done.TrySetException(error);
    }
}

/// <summary>What a write request sees: commands bound to the batch's transaction (prepared once, reused).</summary>
internal readonly struct WriteScope(SqliteWriter writer, SqliteTransaction transaction)
{
    public SqliteCommand Command(string sql) => writer.Command(sql, transaction);

    /// <summary>The rowid of the last INSERT on the writer's connection: cheaper than RETURNING, which opens a reader per row.</summary>
    public long LastInsertRowId() => SQLitePCL.raw.sqlite3_last_insert_rowid(transaction.Connection!.Handle);
}
