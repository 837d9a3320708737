using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Channels;
using Switchyard.Processes.Protocol;

namespace Switchyard.Processes.Worker;

/// <summary>
/// The worker's life: say hello, run the initializer, then run dispatches one after another, in the order they
/// came, answering each item with a value or an error; the answers of a group (ended by a Flush frame) leave in one
/// write before the next group starts. A reader keeps listening meanwhile, for cancellations and
/// for the end of the connection: when the pool goes away (it exited or was killed) the worker exits too.
/// </summary>
internal static class WorkerLoop
{
    /// <summary>How long an answer may wait in the output buffer for the rest of its group.</summary>
    private static readonly TimeSpan FlushAfter = TimeSpan.FromMilliseconds(2);

    public static async Task<int> RunAsync(string socketPath)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath)).ConfigureAwait(false);
        await using var network = new NetworkStream(socket, ownsSocket: false);
        await using var input = new BufferedStream(network, 64 * 1024);
        await using var output = new BufferedStream(network, 64 * 1024);
        var frame = new ArrayBufferWriter<byte>(4096);

        Start(frame, FrameKind.Hello);
        FrameIO.WriteJson(frame, new HelloMessage(Environment.ProcessId));
        await output.WriteAsync(Finish(frame)).ConfigureAwait(false);
        await output.FlushAsync().ConfigureAwait(false);

        var header = new byte[5];
        var body = Array.Empty<byte>();
        byte[] Body(int n) => body.Length >= n ? body : body = new byte[Math.Max(n, body.Length * 2)];

        var first = await FrameIO.ReadAsync(input, header, Body, CancellationToken.None).ConfigureAwait(false);
        if (first is not { Kind: FrameKind.Init } init) return 0; // the pool went away before we started
        var options = FrameIO.ReadJson<InitMessage>(body.AsSpan(0, init.Length));
        if (options.Initializer is { } initializer)
        {
            try
            {
                await WorkMethod.Resolve(initializer).InvokeAsync(default, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                Start(frame, FrameKind.InitFailed);
                FrameIO.WriteJson(frame, Describe(e));
                await output.WriteAsync(Finish(frame)).ConfigureAwait(false);
                await output.FlushAsync().ConfigureAwait(false);
                return 3;
            }
        }
        Start(frame, FrameKind.Ready);
        await output.WriteAsync(Finish(frame)).ConfigureAwait(false);
        await output.FlushAsync().ConfigureAwait(false);

        var runs = Channel.CreateUnbounded<RunRequest>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var cancellations = new ConcurrentDictionary<int, CancellationTokenSource>();
        var methods = new ConcurrentDictionary<int, Lazy<WorkMethod>>();
        var executor = ExecuteAsync(runs.Reader, methods, cancellations, output, options.FlushEachItem);

        while (true)
        {
            var next = await FrameIO.ReadAsync(input, header, Body, CancellationToken.None).ConfigureAwait(false);
            if (next is null)
            {
                // The pool is gone: nobody will read what we would produce. Leave at once, even mid-item.
                Environment.Exit(0);
            }
            var (kind, length) = next.Value;
            var span = body.AsSpan(0, length);
            switch (kind)
            {
                case FrameKind.Define:
                    var reference = FrameIO.ReadJson<MethodRef>(span[4..]);
                    methods[FrameIO.ReadInt(span, 0)] = new Lazy<WorkMethod>(() => WorkMethod.Resolve(reference));
                    break;
                case FrameKind.Run or FrameKind.RunBatch:
                    var request = kind == FrameKind.Run ? RunRequest.Parse(span) : RunRequest.ParseBatch(span);
                    cancellations[request.Id] = new CancellationTokenSource();
                    runs.Writer.TryWrite(request);
                    break;
                case FrameKind.Flush:
                    runs.Writer.TryWrite(RunRequest.GroupEnd);
                    break;
                case FrameKind.Cancel:
                    if (cancellations.TryGetValue(FrameIO.ReadInt(span, 0), out var cts))
                        await cts.CancelAsync().ConfigureAwait(false);
                    break;
                case FrameKind.Shutdown:
                    runs.Writer.TryComplete();
                    await executor.ConfigureAwait(false);
                    return 0;
                default:
                    throw new InvalidDataException($"Unexpected frame {kind} from the pool.");
            }
        }
    }

    private static async Task ExecuteAsync(ChannelReader<RunRequest> runs, ConcurrentDictionary<int, Lazy<WorkMethod>> methods,
        ConcurrentDictionary<int, CancellationTokenSource> cancellations, Stream output, bool flushEachItem)
    {
        var frame = new ArrayBufferWriter<byte>(4096);
        using var json = new Utf8JsonWriter(frame);
        var scratch = new ArrayBufferWriter<byte>(4096);
        using var scratchJson = new Utf8JsonWriter(scratch);
        var errors = new List<(int Position, Exception Error)>();
        var unsentSince = 0L; // when the oldest answer still in the output buffer was written; 0 when there is none
        async ValueTask AnsweredAsync(bool endOfGroup)
        {
            var now = Stopwatch.GetTimestamp();
            if (unsentSince == 0) unsentSince = now;
            // The pool knows the groups: answers may wait for the end of theirs (one write for many tiny items), but a
            // slow group's answers leave as they come, so nobody waits long for a result.
            if (endOfGroup || flushEachItem || Stopwatch.GetElapsedTime(unsentSince, now) >= FlushAfter)
            {
                await output.FlushAsync().ConfigureAwait(false);
                unsentSince = 0;
            }
        }
        await foreach (var request in runs.ReadAllAsync().ConfigureAwait(false))
        {
            if (ReferenceEquals(request, RunRequest.GroupEnd))
            {
                // Every answer of a group leaves before the next group starts: should that one crash, the pool then
                // knows the running dispatch is one of that group's.
                if (unsentSince != 0) await AnsweredAsync(endOfGroup: true).ConfigureAwait(false);
                continue;
            }
            var run = request;
            var token = cancellations[run.Id].Token;
            if (run.Batch is { } batch)
            {
                WorkMethod? fastMethod = null;
                try { fastMethod = methods[run.MethodId].Value; }
                catch (Exception e) when (e is not OutOfMemoryException) { } // the item path below reports it for each item
                if (fastMethod?.Fast is { } fast)
                {
                    errors.Clear();
                    scratch.ResetWrittenCount();
                    scratchJson.Reset(scratch);
                    try
                    {
                        fast.RunBatch(batch.Span, scratchJson, errors, token);
                        scratchJson.Flush();
                    }
                    catch (OutOfMemoryException)
                    {
                        Environment.FailFast("switchyard-worker: out of memory.");
                    }
                    catch (Exception e)
                    {
                        // The arguments could not be read as a whole: every item fails with the reason.
                        scratch.ResetWrittenCount();
                        scratchJson.Reset(scratch);
                        scratchJson.WriteStartArray();
                        scratchJson.WriteEndArray();
                        scratchJson.Flush();
                        errors.Clear();
                        for (var i = 0; i < run.Count; i++) errors.Add((i, e));
                    }
                    Start(frame, FrameKind.BatchAnswers);
                    FrameIO.WriteInt(frame, run.Id);
                    FrameIO.WriteInt(frame, run.Count);
                    FrameIO.WriteInt(frame, errors.Count);
                    foreach (var (position, error) in errors)
                    {
                        FrameIO.WriteInt(frame, position);
                        var at = FrameIO.ReserveInt(frame);
                        json.Reset(frame);
                        JsonSerializer.Serialize(json, Describe(error), WireJson.Options);
                        json.Flush();
                        FrameIO.PatchInt(frame, at, frame.WrittenCount - at - 4);
                    }
                    frame.Write(scratch.WrittenSpan);
                    await output.WriteAsync(Finish(frame)).ConfigureAwait(false);
                    await AnsweredAsync(endOfGroup: false).ConfigureAwait(false);
                    if (cancellations.TryRemove(run.Id, out var done)) done.Dispose();
                    continue;
                }
                run = run.Split();
            }
            var first = 0;
            var count = 0;
            var countAt = BeginAnswers(frame, run.Id, first);
            for (var position = 0; position < run.Arguments.Length; position++)
            {
                frame.GetSpan(1)[0] = 1;
                frame.Advance(1);
                var at = FrameIO.ReserveInt(frame);
                json.Reset(frame);
                Exception? error = null;
                try
                {
                    token.ThrowIfCancellationRequested();
                    var method = methods[run.MethodId].Value;
                    if (method.Fast is { } fast)
                        fast.Run(run.Arguments[position].Span, json);
                    else
                        JsonSerializer.Serialize(json, await method.InvokeAsync(run.Arguments[position], token).ConfigureAwait(false), method.ResultInfo);
                    json.Flush();
                }
                catch (OutOfMemoryException)
                {
                    // The heap is exhausted: this process can no longer be trusted. Dying hands its memory back to
                    // the OS, and the pool fails the item and starts a fresh worker.
                    Environment.FailFast("switchyard-worker: out of memory.");
                }
                catch (Exception e)
                {
                    error = e;
                }
                if (error is not null)
                {
                    // Drop whatever the result had begun to write; the answer is the error instead.
                    FrameIO.Truncate(frame, at - 1);
                    frame.GetSpan(1)[0] = 0;
                    frame.Advance(1);
                    at = FrameIO.ReserveInt(frame);
                    json.Reset(frame);
                    JsonSerializer.Serialize(json, Describe(error), WireJson.Options);
                    json.Flush();
                }
                FrameIO.PatchInt(frame, at, frame.WrittenCount - at - 4);
                count++;

                if (flushEachItem)
                {
                    // A timeout must know exactly which item runs: every answer leaves at once.
                    await output.WriteAsync(EndAnswers(frame, countAt, count)).ConfigureAwait(false);
                    await output.FlushAsync().ConfigureAwait(false);
                    first = position + 1;
                    count = 0;
                    countAt = BeginAnswers(frame, run.Id, first);
                }
            }
            if (count > 0) await output.WriteAsync(EndAnswers(frame, countAt, count)).ConfigureAwait(false);
            await AnsweredAsync(endOfGroup: false).ConfigureAwait(false);
            if (cancellations.TryRemove(run.Id, out var cts)) cts.Dispose();
        }
        await output.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>Starts an Answers frame; returns where its count goes.</summary>
    private static int BeginAnswers(ArrayBufferWriter<byte> frame, int dispatch, int first)
    {
        Start(frame, FrameKind.Answers);
        FrameIO.WriteInt(frame, dispatch);
        FrameIO.WriteInt(frame, first);
        return FrameIO.ReserveInt(frame);
    }

    private static ReadOnlyMemory<byte> EndAnswers(ArrayBufferWriter<byte> frame, int countAt, int count)
    {
        FrameIO.PatchInt(frame, countAt, count);
        return Finish(frame);
    }

    private static void Start(ArrayBufferWriter<byte> frame, FrameKind kind)
    {
        frame.ResetWrittenCount();
        FrameIO.Begin(frame, kind);
    }

    private static ReadOnlyMemory<byte> Finish(ArrayBufferWriter<byte> frame)
    {
        FrameIO.End(frame, 0);
        return frame.WrittenMemory;
    }

    private static RemoteError Describe(Exception e) =>
        new(e.GetType().FullName ?? e.GetType().Name, e.Message, e.StackTrace, e.ToString());

    /// <summary>One Run frame (its arguments copied out of the reader's buffer), or a RunBatch frame (one JSON array).</summary>
    private sealed record RunRequest(int Id, int MethodId, int Count, ReadOnlyMemory<byte>[] Arguments, ReadOnlyMemory<byte>? Batch)
    {
        /// <summary>Not a dispatch: the end of a group (<see cref="FrameKind.Flush"/>).</summary>
        public static readonly RunRequest GroupEnd = new(0, 0, 0, [], null);

        public static RunRequest Parse(ReadOnlySpan<byte> span)
        {
            var id = FrameIO.ReadInt(span, 0);
            var method = FrameIO.ReadInt(span, 4);
            var count = FrameIO.ReadInt(span, 8);
            var arguments = new ReadOnlyMemory<byte>[count];
            var copy = span.ToArray().AsMemory(); // one copy out of the reader's buffer; the arguments are slices of it
            var at = 12;
            for (var i = 0; i < count; i++)
            {
                var length = FrameIO.ReadInt(span, at);
                arguments[i] = copy.Slice(at + 4, length);
                at += 4 + length;
            }
            return new RunRequest(id, method, count, arguments, null);
        }

        public static RunRequest ParseBatch(ReadOnlySpan<byte> span) =>
            new(FrameIO.ReadInt(span, 0), FrameIO.ReadInt(span, 4), FrameIO.ReadInt(span, 8), [], span[12..].ToArray());

        /// <summary>The batch's arguments one by one, for a method with no fast path.</summary>
        public RunRequest Split()
        {
            using var document = JsonDocument.Parse(Batch!.Value);
            var arguments = document.RootElement.EnumerateArray().Select(e => (ReadOnlyMemory<byte>)System.Text.Encoding.UTF8.GetBytes(e.GetRawText())).ToArray();
            return this with { Arguments = arguments, Batch = null };
        }
    }
}
