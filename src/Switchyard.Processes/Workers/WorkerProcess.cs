using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Channels;
using Switchyard.Processes.Protocol;

namespace Switchyard.Processes.Workers;

/// <summary>
/// One worker process and its connection: started with the generic host, fed dispatches from the pool's queue
/// (at most <see cref="Prefetch"/> at a time, or <see cref="SmallPrefetch"/> tiny ones, so the next is already there
/// when one ends; a worker that hangs without a timeout holds those few until it is killed, when they run elsewhere),
/// in groups that it answers as a whole (so a death is pinned on one group; see <see cref="OnEndedAsync"/>), read
/// for answers, and watched for death. The connection is a Unix domain socket of its own; the worker's stdout and stderr are
/// drained line by line into <see cref="WorkerSettings.Output"/>, so a chatty worker never blocks or corrupts anything.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    /// <summary>Dispatches a worker holds at once when they are big: the one it runs and a few behind it, so it never waits on a round trip.</summary>
    public const int Prefetch = 4;

    /// <summary>
    /// Dispatches a worker may hold while they carry fewer than <see cref="SmallItems"/> items and it answered within
    /// <see cref="Quick"/>: tiny items travel many to a write, and a slow worker never sits on more than <see cref="Prefetch"/>.
    /// </summary>
    public const int SmallPrefetch = 16;

    /// <summary>How recent a worker's last answer must be for it to take more than <see cref="Prefetch"/> dispatches.</summary>
    private static readonly TimeSpan Quick = TimeSpan.FromMilliseconds(5);

    /// <summary>Items below which a worker takes up to <see cref="SmallPrefetch"/> dispatches.</summary>
    public const int SmallItems = 64;

    /// <summary>
    /// Dispatches of one group at most (of fewer than <see cref="SmallItems"/> items in all): what a death that cannot be
    /// pinned on one dispatch runs again, one by one.
    /// </summary>
    public const int GroupSize = 8;

    private readonly WorkerPool _pool;
    private readonly Process _process;
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly BufferedStream _input;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _frame = new(4096);
    private readonly Utf8JsonWriter _json;
    private readonly HashSet<int> _defined = [];
    private readonly Queue<Dispatch> _outstanding = new();
    private readonly SemaphoreSlim _settled = new(0); // released when a dispatch is retired: the sender looks for room again
    private readonly ITimer? _timer;
    private readonly TaskCompletionSource _lifetime = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _reader = Task.CompletedTask;
    private volatile bool _timedOut;
    private bool _recycling, _shutdownSent;
    private long _itemsSent, _groups;
    private long _lastAnswer; // Stopwatch timestamp of the last answer; 0 before the first

    private WorkerProcess(WorkerPool pool, Process process, Socket socket)
    {
        _pool = pool;
        _process = process;
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _input = new BufferedStream(_stream, 64 * 1024);
        _json = new Utf8JsonWriter(_frame);
        Pid = process.Id;
        if (pool.Settings.ItemTimeout is not null)
            _timer = pool.Settings.Time.CreateTimer(static s => ((WorkerProcess)s!).OnTimeout(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public int Pid { get; }

    public bool HasExited
    {
        get
        {
            try { return _process.HasExited; }
            catch (InvalidOperationException) { return true; }
        }
    }

    public bool Busy => Held().Dispatches > 0;

    // At most one count pending: the sender re-checks its room after every wake, so more would only spin it.
    private void SignalSettled()
    {
        if (_settled.CurrentCount == 0) _settled.Release();
    }

    /// <summary>
    /// Whether the worker may take another dispatch besides <paramref name="adding"/> more: up to <see cref="Prefetch"/>,
    /// or <see cref="SmallPrefetch"/> tiny ones while it answers quickly; a <paramref name="refill"/> of those waits
    /// until it is down to half, so that they travel many to a write each way.
    /// </summary>
    private bool HasRoom(int adding, int addingItems, bool refill)
    {
        var (dispatches, items) = Held();
        dispatches += adding;
        if (dispatches < Prefetch) return true;
        if (items + addingItems >= SmallItems || !AnsweredLately()) return false;
        return refill ? dispatches <= SmallPrefetch / 2 : dispatches < SmallPrefetch;
    }

    private bool AnsweredLately()
    {
        var last = Volatile.Read(ref _lastAnswer);
        return last != 0 && Stopwatch.GetElapsedTime(last) < Quick;
    }

    /// <summary>The dispatches the worker holds, and their unanswered items.</summary>
    private (int Dispatches, int Items) Held()
    {
        lock (_outstanding)
        {
            var items = 0;
            foreach (var dispatch in _outstanding) items += dispatch.Remaining;
            return (_outstanding.Count, items);
        }
    }

    /// <summary>Starts a worker and waits until it has connected and run its initializer.</summary>
    public static async Task<WorkerProcess> StartAsync(WorkerPool pool, CancellationToken cancellationToken)
    {
        var settings = pool.Settings;
        var path = Path.Combine(Path.GetTempPath(), $"syd-{Guid.NewGuid():N}.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);

        var start = new ProcessStartInfo(DotnetHost.Path)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(settings.HostPath);
        start.ArgumentList.Add(WireJson.SocketArgument);
        start.ArgumentList.Add(path);
        foreach (var (name, value) in settings.Environment) start.Environment[name] = value;

        var process = new Process { StartInfo = start };
        WorkerProcess? worker = null;
        try
        {
            process.Start();
            var pid = process.Id;
            process.StandardInput.Close(); // the worker never reads the parent's input
            var output = settings.Output;
            process.OutputDataReceived += (_, e) => Forward(output, pid, e.Data);
            process.ErrorDataReceived += (_, e) => Forward(output, pid, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            using var startup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            startup.CancelAfter(settings.StartTimeout);
            var accept = listener.AcceptAsync(startup.Token).AsTask();
            var exited = process.WaitForExitAsync(startup.Token);
            if (await Task.WhenAny(accept, exited).ConfigureAwait(false) != accept)
            {
                if (exited.IsCompletedSuccessfully)
                    throw new WorkerDiedException(pid, process.ExitCode, $"it exited while starting, {ExitDescription.Of(process.ExitCode)}");
                cancellationToken.ThrowIfCancellationRequested();
                throw new TimeoutException($"Worker process {pid} did not connect within ProcessLaneOptions.StartTimeout ({settings.StartTimeout}).");
            }
            worker = new WorkerProcess(pool, process, await accept.ConfigureAwait(false));
            await worker.HandshakeAsync(startup.Token).ConfigureAwait(false);
            return worker;
        }
        catch
        {
            if (worker is not null) await worker.DisposeAsync().ConfigureAwait(false);
            else await KillAndWaitAsync(process).ConfigureAwait(false);
            process.Dispose();
            throw;
        }
        finally
        {
            File.Delete(path); // the connection lives on; the name is no longer needed
        }
    }

    /// <summary>
    /// Feeds the worker until it dies, is recycled, or <paramref name="stopping"/> fires. A death hands its
    /// unanswered items back to the pool (failing or retrying the one it was running).
    /// </summary>
    public async Task<WorkerEnd> RunAsync(CancellationToken stopping)
    {
        using var life = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var reader = _reader = ReadLoopAsync();
        var watcher = reader.ContinueWith(static (_, s) =>
        {
            try { ((CancellationTokenSource)s!).Cancel(); }
            catch (ObjectDisposedException) { } // the run already ended (the pool is stopping)
        }, life, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        var max = _pool.Settings.MaxItemsPerWorker;
        try
        {
            var batch = new List<Dispatch>(SmallPrefetch);
            while (true)
            {
                while (!HasRoom(0, 0, refill: true)) await _settled.WaitAsync(life.Token).ConfigureAwait(false);
                var dispatch = await TakeAsync(life.Token).ConfigureAwait(false);
                if (dispatch.TryMarkSent(this, _pool.NextDispatchId())) batch.Add(dispatch);
                // Whatever else is waiting and fits goes in the same write: tiny items share one system call.
                var batchItems = batch.Sum(d => d.Indices.Length);
                while (_itemsSent + batchItems < max.GetValueOrDefault(int.MaxValue) && _pool.IdleWorkers == 0 &&
                       HasRoom(batch.Count, batchItems, refill: false) && _pool.Queue.TryRead(out var more))
                {
                    if (!more.TryMarkSent(this, _pool.NextDispatchId())) continue;
                    batch.Add(more);
                    batchItems += more.Indices.Length;
                }
                if (batch.Count == 0) continue;
                lock (_outstanding)
                {
                    var wasIdle = _outstanding.Count == 0;
                    foreach (var d in batch) _outstanding.Enqueue(d);
                    if (wasIdle) Arm();
                }
                await SendRunAsync(batch).ConfigureAwait(false);
                foreach (var d in batch) _itemsSent += d.Indices.Length;
                batch.Clear();
                if (_itemsSent >= max)
                {
                    BeginRecycling();
                    break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException or IOException or SocketException or ObjectDisposedException)
        {
            // The worker's connection ended, or the pool is stopping: both are handled below.
        }

        // The pool cancels `stopping` before it closes the queue, so a slot that saw the queue closed sees it here too.
        if (stopping.IsCancellationRequested && !reader.IsCompleted) return WorkerEnd.Stopped;
        await reader.ConfigureAwait(false);
        await watcher.ConfigureAwait(false);
        return await OnEndedAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Takes the next dispatch. An idle worker waits for one; a busy worker takes one ahead (so it never waits on a
    /// round trip) only when no idle worker is waiting for it, so work is not piled on one worker while another idles.
    /// </summary>
    private async ValueTask<Dispatch> TakeAsync(CancellationToken cancellationToken)
    {
        var queue = _pool.Queue;
        while (true)
        {
            if (!Busy)
            {
                _pool.EnterIdle();
                try
                {
                    return await queue.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _pool.LeaveIdle();
                }
            }
            if (!await queue.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                throw new ChannelClosedException();
            if (_pool.IdleWorkers == 0 && queue.TryRead(out var ahead)) return ahead;
            // An idle worker is about to take it: step back briefly rather than spin on a loaded machine.
            await Task.Delay(1, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Asks the worker to cancel a dispatch it holds (its token fires; its remaining items are skipped). Work that
    /// ignores its token is killed with its worker after <see cref="WorkerSettings.CancellationGrace"/>.
    /// </summary>
    public void Cancel(Dispatch dispatch)
    {
        _ = SendAsync(FrameKind.Cancel, dispatch.Id);
        var grace = _pool.Settings.Time.CreateTimer(static s =>
        {
            var (worker, held) = ((WorkerProcess, Dispatch))s!;
            bool stillHeld;
            lock (worker._outstanding) stillHeld = worker._outstanding.Contains(held);
            if (stillHeld) worker.Kill();
        }, (this, dispatch), _pool.Settings.CancellationGrace, Timeout.InfiniteTimeSpan);
        _ = _lifetime.Task.ContinueWith(static (_, t) => ((ITimer)t!).Dispose(), grace, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Kills the worker's process tree and waits for it to exit; anything it still held fails.</summary>
    public async ValueTask DisposeAsync()
    {
        await KillAndWaitAsync(_process).ConfigureAwait(false);
        _lifetime.TrySetResult();
        try { _socket.Shutdown(SocketShutdown.Both); }
        catch (SocketException) { } // already closed by the worker's death
        await Task.WhenAny(_reader).ConfigureAwait(false); // it has delivered all it read before anything is failed below
        _socket.Dispose();
        List<Dispatch> left;
        lock (_outstanding)
        {
            left = [.. _outstanding];
            _outstanding.Clear();
        }
        foreach (var dispatch in left)
        {
            dispatch.Close();
            for (var i = dispatch.Answered; i < dispatch.Indices.Length; i++)
                _pool.Fail(dispatch.Job, dispatch.Indices[i], new ObjectDisposedException(nameof(ProcessLane), "The Process lane is shut down."));
        }
        if (_timer is not null) await _timer.DisposeAsync().ConfigureAwait(false);
        await _input.DisposeAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        await _json.DisposeAsync().ConfigureAwait(false);
        _process.Dispose();
        _writeLock.Dispose();
        _settled.Dispose();
    }

    // Runs on the process's output threads: a closed writer must not end the application.
    private static void Forward(TextWriter? output, int pid, string? line)
    {
        if (line is null || output is null) return;
        try { output.WriteLine($"[worker {pid}] {line}"); }
        catch (Exception e) when (e is ObjectDisposedException or IOException) { }
    }

    private static async Task KillAndWaitAsync(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or AggregateException)
        {
            // A child in the tree could not be killed; the worker itself is waited for below.
        }
        catch (InvalidOperationException)
        {
            return; // never started, or already gone
        }
        try
        {
            await process.WaitForExitAsync().ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
        }
    }

    private async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        var header = new byte[5];
        var body = Array.Empty<byte>();
        byte[] Body(int n) => body.Length >= n ? body : body = new byte[n];
        var hello = await FrameIO.ReadAsync(_input, header, Body, cancellationToken).ConfigureAwait(false);
        if (hello is not { Kind: FrameKind.Hello })
            throw new InvalidDataException($"Worker process {Pid} did not say hello.");

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _frame.ResetWrittenCount();
            var init = FrameIO.Begin(_frame, FrameKind.Init);
            FrameIO.WriteJson(_frame, new InitMessage(_pool.Settings.Initializer, _pool.Settings.FlushEachItem));
            FrameIO.End(_frame, init);
            await _stream.WriteAsync(_frame.WrittenMemory, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }

        var ready = await FrameIO.ReadAsync(_input, header, Body, cancellationToken).ConfigureAwait(false);
        if (ready is { Kind: FrameKind.InitFailed } failed)
        {
            var error = FrameIO.ReadJson<RemoteError>(body.AsSpan(0, failed.Length));
            throw new InvalidOperationException($"The worker initializer failed in process {Pid}: {error.Type}: {error.Message}",
                new RemoteWorkException(error.Type, error.Message, error.StackTrace, error.Detail));
        }
        if (ready is not { Kind: FrameKind.Ready })
            throw new InvalidDataException($"Worker process {Pid} ended before it was ready.");
    }

    private async Task SendRunAsync(List<Dispatch> batch)
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            _frame.ResetWrittenCount();
            var inGroup = 0;
            var groupItems = 0;
            foreach (var dispatch in batch)
            {
                // Tiny dispatches share a group; a big one (its answers are one write anyway) or an isolated one is alone.
                var alone = dispatch.Isolated || dispatch.Indices.Length >= SmallItems;
                if (inGroup > 0 && (alone || inGroup == GroupSize || groupItems + dispatch.Indices.Length > SmallItems))
                    EndGroup(ref inGroup, ref groupItems);
                var job = dispatch.Job;
                if (_defined.Add(job.MethodId))
                {
                    var define = FrameIO.Begin(_frame, FrameKind.Define);
                    FrameIO.WriteInt(_frame, job.MethodId);
                    FrameIO.WriteJson(_frame, _pool.Method(job.MethodId));
                    FrameIO.End(_frame, define);
                }
                var mark = _frame.WrittenCount;
                var asArray = IsBatch(dispatch);
                var run = FrameIO.Begin(_frame, asArray ? FrameKind.RunBatch : FrameKind.Run);
                FrameIO.WriteInt(_frame, dispatch.Id);
                FrameIO.WriteInt(_frame, job.MethodId);
                FrameIO.WriteInt(_frame, dispatch.Indices.Length);
                try
                {
                    if (asArray)
                    {
                        _json.Reset(_frame);
                        job.WriteArguments(_json, dispatch.Indices[0], dispatch.Indices.Length);
                        _json.Flush();
                    }
                    else
                    {
                        foreach (var index in dispatch.Indices)
                        {
                            var at = FrameIO.ReserveInt(_frame);
                            _json.Reset(_frame);
                            job.WriteArgument(_json, index);
                            _json.Flush();
                            FrameIO.PatchInt(_frame, at, _frame.WrittenCount - at - 4);
                        }
                    }
                    FrameIO.End(_frame, run);
                    dispatch.Group = _groups + 1;
                    inGroup++;
                    groupItems += dispatch.Indices.Length;
                    if (alone) EndGroup(ref inGroup, ref groupItems);
                }
                catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
                {
                    // An argument that cannot be written fails its dispatch here; nothing of it reaches the worker.
                    FrameIO.Truncate(_frame, mark);
                    lock (_outstanding) Remove(dispatch);
                    dispatch.Close();
                    foreach (var index in dispatch.Indices)
                        _pool.Fail(job, index, new ArgumentException($"An argument could not be written as JSON: {e.Message}", e));
                    SignalSettled();
                }
            }
            if (inGroup > 0) EndGroup(ref inGroup, ref groupItems);
            if (_frame.WrittenCount > 0) await _stream.WriteAsync(_frame.WrittenMemory).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Ends the group being written: the worker answers it as a whole before it starts the next.</summary>
    private void EndGroup(ref int inGroup, ref int groupItems)
    {
        FrameIO.End(_frame, FrameIO.Begin(_frame, FrameKind.Flush));
        _groups++;
        inGroup = groupItems = 0;
    }

    /// <summary>
    /// Whether a dispatch's arguments travel as one JSON array: consecutive items of a chunk, when answers need not
    /// come one by one (no timeout). A dispatch is answered as a whole anyway, so this changes no failure's scope.
    /// </summary>
    private bool IsBatch(Dispatch dispatch)
    {
        var indices = dispatch.Indices;
        if (indices.Length < 2 || !dispatch.Job.CanBatch || _pool.Settings.FlushEachItem) return false;
        for (var i = 1; i < indices.Length; i++)
            if (indices[i] != indices[0] + i) return false;
        return true;
    }

    private async Task SendAsync(FrameKind kind, int? argument = null)
    {
        try
        {
            await _writeLock.WaitAsync().ConfigureAwait(false);
            try
            {
                _frame.ResetWrittenCount();
                var frame = FrameIO.Begin(_frame, kind);
                if (argument is { } value) FrameIO.WriteInt(_frame, value);
                FrameIO.End(_frame, frame);
                await _stream.WriteAsync(_frame.WrittenMemory).ConfigureAwait(false);
            }
            finally
            {
                _writeLock.Release();
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // The worker is gone; its death is handled by the reader.
        }
    }

    private async Task ReadLoopAsync()
    {
        var header = new byte[5];
        var body = new byte[4096];
        byte[] Body(int n) => body.Length >= n ? body : body = new byte[Math.Max(n, body.Length * 2)];
        try
        {
            while (await FrameIO.ReadAsync(_input, header, Body, CancellationToken.None).ConfigureAwait(false) is { } frame)
            {
                var span = body.AsSpan(0, frame.Length);
                Volatile.Write(ref _lastAnswer, Stopwatch.GetTimestamp());
                if (frame.Kind is FrameKind.Answers)
                    Answer(FrameIO.ReadInt(span, 0), FrameIO.ReadInt(span, 4), FrameIO.ReadInt(span, 8), span[12..]);
                else if (frame.Kind is FrameKind.BatchAnswers)
                    AnswerBatch(FrameIO.ReadInt(span, 0), FrameIO.ReadInt(span, 4), FrameIO.ReadInt(span, 8), span[12..]);
                else
                    throw new InvalidDataException($"Unexpected frame {frame.Kind} from worker process {Pid}.");
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // The connection broke: the worker died.
        }
        catch (Exception e) when (e is InvalidDataException or JsonException)
        {
            // A broken protocol cannot be trusted further: end this worker; its items are handled as for a death.
            Forward(_pool.Settings.Output, Pid, $"protocol error: {e.Message}");
            Kill();
        }
    }

    /// <summary>Delivers every answer to a batch dispatch: its errors, then one JSON array of results.</summary>
    private void AnswerBatch(int id, int count, int errorCount, ReadOnlySpan<byte> rest)
    {
        Dispatch dispatch;
        lock (_outstanding)
        {
            if (!_outstanding.TryPeek(out dispatch!) || dispatch.Id != id || dispatch.Answered != 0 || count != dispatch.Indices.Length)
                throw new InvalidDataException($"Worker process {Pid} answered batch {id} out of turn.");
        }
        var job = dispatch.Job;
        var errors = new Dictionary<int, Exception>(errorCount);
        var at = 0;
        for (var n = 0; n < errorCount; n++)
        {
            var position = FrameIO.ReadInt(rest, at);
            var length = FrameIO.ReadInt(rest, at + 4);
            errors[position] = ToException(job, FrameIO.ReadJson<RemoteError>(rest.Slice(at + 8, length)));
            at += 8 + length;
        }
        dispatch.Answered = count;
        Settle(dispatch); // first, as for single answers
        var failed = job.Values(dispatch.Indices[0], count, rest[at..], errors);
        _pool.Counted(job, count - failed, failed);
    }

    private static Exception ToException(PoolJob job, RemoteError error) =>
        error.Type is "System.OperationCanceledException" or "System.Threading.Tasks.TaskCanceledException" && job.Token.IsCancellationRequested
            ? new OperationCanceledException(job.Token)
            : new RemoteWorkException(error.Type, error.Message, error.StackTrace, error.Detail);

    /// <summary>Delivers <paramref name="count"/> answers to the dispatch the worker is running, from <paramref name="first"/> on.</summary>
    private void Answer(int id, int first, int count, ReadOnlySpan<byte> answers)
    {
        Dispatch dispatch;
        lock (_outstanding)
        {
            if (!_outstanding.TryPeek(out dispatch!) || dispatch.Id != id || dispatch.Answered != first || count > dispatch.Remaining)
                throw new InvalidDataException($"Worker process {Pid} answered dispatch {id} items {first}+{count} out of turn.");
        }
        // Retire the dispatch first, so that whoever hears of its last item sees the worker's state already settled.
        var start = dispatch.Answered;
        dispatch.Answered += count; // only this reader writes it; a death is handled after the reader has ended
        Settle(dispatch);
        var job = dispatch.Job;
        var at = 0;
        for (var n = 0; n < count; n++)
        {
            var ok = answers[at] == 1;
            var length = FrameIO.ReadInt(answers, at + 1);
            var payload = answers.Slice(at + 5, length);
            at += 5 + length;
            var index = dispatch.Indices[start + n];
            if (ok) _pool.Complete(job, index, payload);
            else _pool.Fail(job, index, ToException(job, FrameIO.ReadJson<RemoteError>(payload)));
        }
    }

    /// <summary>After answers arrived: retire the dispatch if it is complete, and keep the timer and recycling in step.</summary>
    private void Settle(Dispatch dispatch)
    {
        var finished = false;
        var shutdown = false;
        lock (_outstanding)
        {
            if (dispatch.Remaining == 0)
            {
                _outstanding.Dequeue();
                finished = true;
                if (_outstanding.Count == 0)
                {
                    Disarm();
                    shutdown = _recycling && !_shutdownSent;
                    _shutdownSent |= shutdown;
                }
                else Arm();
            }
            else Arm();
        }
        if (finished)
        {
            dispatch.Close();
            SignalSettled();
        }
        if (shutdown) _ = SendAsync(FrameKind.Shutdown);
    }

    private void BeginRecycling()
    {
        bool shutdown;
        lock (_outstanding)
        {
            _recycling = true;
            shutdown = _outstanding.Count == 0 && !_shutdownSent;
            _shutdownSent |= shutdown;
        }
        if (shutdown) _ = SendAsync(FrameKind.Shutdown);
    }

    /// <summary>After the connection ended: a clean recycle, or a death whose items are failed, retried or requeued.</summary>
    private async Task<WorkerEnd> OnEndedAsync()
    {
        List<Dispatch> left;
        lock (_outstanding)
        {
            left = [.. _outstanding];
            _outstanding.Clear();
            Disarm();
        }
        int? exitCode = await ExitCodeAsync().ConfigureAwait(false);
        if (left.Count == 0 && _shutdownSent && exitCode == 0) return WorkerEnd.Recycled;

        _pool.CountRestart(); // before any item hears of the death, so statistics never lag behind it
        var settings = _pool.Settings;
        Exception reason = _timedOut
            ? new TimeoutException($"The item ran longer than ProcessLaneOptions.ItemTimeout ({settings.ItemTimeout}); its worker process {Pid} was killed.")
            : new WorkerDiedException(Pid, exitCode, exitCode is { } code ? ExitDescription.Of(code) : "it closed its connection");
        // The worker answers a group as a whole, so the running dispatch is one of the first group's unanswered ones.
        // Alone in it (or with answers sent one by one), it is known; otherwise every one of them runs again on its
        // own, and the one that dies again is known then. The others simply run elsewhere: they never started.
        var suspects = left.Count == 0 || left[0].Group == 0 ? 0 : left.TakeWhile(d => d.Group == left[0].Group).Count();
        var known = suspects == 1 || (suspects > 1 && settings.FlushEachItem);
        for (var d = 0; d < left.Count; d++)
        {
            var dispatch = left[d];
            dispatch.Close();
            var unanswered = dispatch.Indices[dispatch.Answered..];
            if (d == 0 && known && unanswered.Length > 0)
            {
                // The first dispatch was running. With results sent one by one, exactly its first unanswered item was;
                // otherwise any of its unanswered items may have been, and all of them share the blame.
                var blamed = settings.FlushEachItem ? 1 : unanswered.Length;
                var again = new List<int>();
                foreach (var index in unanswered.AsSpan(0, blamed))
                {
                    if (dispatch.Job.Token.IsCancellationRequested)
                        _pool.Fail(dispatch.Job, index, new OperationCanceledException(dispatch.Job.Token)); // killed after its grace
                    else if (!_timedOut && dispatch.Job.Died(index) <= settings.Retries) again.Add(index);
                    else _pool.Fail(dispatch.Job, index, reason);
                }
                again.AddRange(unanswered.AsSpan(blamed));
                _pool.Requeue(dispatch.Job, [.. again], isolated: true);
            }
            else if (d < suspects && !known)
            {
                if (dispatch.Job.Token.IsCancellationRequested)
                {
                    foreach (var index in unanswered) _pool.Fail(dispatch.Job, index, new OperationCanceledException(dispatch.Job.Token));
                }
                else _pool.Requeue(dispatch.Job, unanswered, isolated: true);
            }
            else
            {
                _pool.Requeue(dispatch.Job, unanswered); // never started: they simply run elsewhere
            }
        }
        return WorkerEnd.Died;
    }

    private async Task<int?> ExitCodeAsync()
    {
        try
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Kill(); // connection gone but the process lingers: it is of no use any more
                await _process.WaitForExitAsync().ConfigureAwait(false);
            }
            return _process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private void Remove(Dispatch dispatch)
    {
        var kept = _outstanding.Where(d => d != dispatch).ToArray();
        _outstanding.Clear();
        foreach (var d in kept) _outstanding.Enqueue(d);
        if (_outstanding.Count == 0) Disarm();
    }

    private void Arm()
    {
        if (_pool.Settings.ItemTimeout is { } timeout) _timer?.Change(timeout, Timeout.InfiniteTimeSpan);
    }

    private void Disarm() => _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    private void OnTimeout()
    {
        lock (_outstanding)
            if (_outstanding.Count == 0) return;
        _timedOut = true;
        Kill();
    }

    // Called from timers too, where an exception would end the whole application: a process that is already
    // gone, or a child of it that cannot be killed, is not worth more than that.
    private void Kill()
    {
        try { _process.Kill(entireProcessTree: true); }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or AggregateException or NotSupportedException) { }
    }
}
