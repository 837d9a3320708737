using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Switchyard.Cli.Run;

/// <summary>
/// Runs one job as a real process: argv through <see cref="ProcessStartInfo.ArgumentList"/> (no shell),
/// stdin closed, stdout and stderr captured apart. Retries failed attempts; on a timeout or a halt the
/// job's process group gets TERM, then KILL after the grace period, so grandchildren die too.
/// </summary>
internal sealed class JobExecutor(RunSettings settings, OutputSink stdout, OutputSink stderr, StartGate gate, TimeProvider time)
{
    // setsid costs one extra exec per job; only jobs that may have to be killed pay for it.
    private readonly bool _ownGroup = ProcessGroup.Setsid is not null && (settings.Timeout is not null || settings.Halt.Now);

    /// <summary>Runs <paramref name="job"/>; null when a halt came before its first attempt could start.</summary>
    public async ValueTask<JobResult?> RunAsync(Job job, CancellationToken haltToken)
    {
        var result = new JobResult(job);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // --delay spaces the starts of attempts; the start time is taken right after the gate.
                await gate.WaitTurnAsync(haltToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                if (attempt == 1) return null;
                return result;
            }
            result.Start = time.GetUtcNow();
            result.Stdout?.Dispose();
            result.Stderr?.Dispose();
            result.Attempts = attempt;
            result.Signal = 0;
            result.TimedOut = false;
            await RunAttemptAsync(result, time.GetTimestamp(), haltToken).ConfigureAwait(false);
            if (!result.Failed || attempt > settings.Retries || haltToken.IsCancellationRequested) return result;
        }
    }

    private async Task RunAttemptAsync(JobResult result, long started, CancellationToken haltToken)
    {
        var job = result.Job;
        var grouped = !settings.LineBuffer;
        var outBuffer = grouped ? new SpillBuffer(settings.MemoryBufferBytes) : null;
        var errBuffer = grouped ? new SpillBuffer(settings.MemoryBufferBytes) : null;
        result.Stdout = outBuffer;
        result.Stderr = errBuffer;

        using var process = new Process { StartInfo = StartInfo(job.Argv) };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            // The command could not be started (not found, not executable): report it like a shell does.
            result.ExitCode = 127;
            var message = Encoding.UTF8.GetBytes($"yard run: {job.Argv[0]}: {e.Message}\n");
            if (errBuffer is not null) await errBuffer.FillAsync(new MemoryStream(message), CancellationToken.None).ConfigureAwait(false);
            else lock (stderr.Gate) stderr.Write(message, settings.Tag ? job.Tag : null);
            result.Runtime = time.GetElapsedTime(started);
            return;
        }
        process.StandardInput.Close();

        var tag = settings.Tag ? job.Tag : null;
        var readOut = grouped ? outBuffer!.FillAsync(process.StandardOutput.BaseStream, CancellationToken.None)
            : PassLinesAsync(process.StandardOutput.BaseStream, stdout, tag);
        var readErr = grouped ? errBuffer!.FillAsync(process.StandardError.BaseStream, CancellationToken.None)
            : PassLinesAsync(process.StandardError.BaseStream, stderr, tag);
        var done = Task.WhenAll(process.WaitForExitAsync(CancellationToken.None), readOut, readErr);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(haltToken);
        if (settings.Timeout is { } timeout) deadline.CancelAfter(timeout);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (deadline.Token.Register(() => cancelled.TrySetResult()))
        {
            if (await Task.WhenAny(done, cancelled.Task).ConfigureAwait(false) != done)
            {
                result.TimedOut = !haltToken.IsCancellationRequested;
                result.Signal = await KillAsync(process, done).ConfigureAwait(false);
            }
        }
        await done.ConfigureAwait(false);
        result.ExitCode = process.ExitCode;
        result.Runtime = time.GetElapsedTime(started);
        result.StdoutBytes = outBuffer?.Length ?? 0;
    }

    // TERM to the group; KILL after the grace period to whatever is left (the leader and any grandchild
    // still holding the output pipes). Returns the last signal sent.
    private async Task<int> KillAsync(Process process, Task done)
    {
        ProcessGroup.Signal(process.Id, ProcessGroup.SigTerm, _ownGroup);
        using var grace = new CancellationTokenSource(settings.KillGrace, time);
        try
        {
            await done.WaitAsync(grace.Token).ConfigureAwait(false);
            return ProcessGroup.SigTerm;
        }
        catch (OperationCanceledException)
        {
            ProcessGroup.Signal(process.Id, ProcessGroup.SigKill, _ownGroup);
            if (!_ownGroup) process.Kill(entireProcessTree: true);
            return ProcessGroup.SigKill;
        }
    }

    private ProcessStartInfo StartInfo(string[] argv)
    {
        var info = new ProcessStartInfo
        {
            FileName = _ownGroup ? ProcessGroup.Setsid! : argv[0],
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (_ownGroup) info.ArgumentList.Add(argv[0]);
        for (var i = 1; i < argv.Length; i++) info.ArgumentList.Add(argv[i]);
        return info;
    }

    // --line-buffer: whole lines go out as they arrive; a last line without a newline goes out at the end.
    private static async Task PassLinesAsync(Stream source, OutputSink sink, string? tag)
    {
        var buffer = new byte[16 * 1024];
        var pending = 0;
        int n;
        while ((n = await source.ReadAsync(buffer.AsMemory(pending)).ConfigureAwait(false)) > 0)
        {
            pending += n;
            var last = buffer.AsSpan(0, pending).LastIndexOf((byte)'\n');
            if (last < 0 && pending < buffer.Length) continue;
            var cut = last < 0 ? pending : last + 1; // a line longer than the buffer goes out in pieces
            lock (sink.Gate) sink.Write(buffer.AsSpan(0, cut), tag);
            Array.Copy(buffer, cut, buffer, 0, pending - cut);
            pending -= cut;
        }
        if (pending > 0)
            lock (sink.Gate)
            {
                sink.Write(buffer.AsSpan(0, pending), tag);
                sink.Write("\n"u8, null);
            }
    }
}
