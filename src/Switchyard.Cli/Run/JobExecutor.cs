using System.Text;

namespace Switchyard.Cli.Run;

/// <summary>
/// Runs one job as a real process through <see cref="Spawner"/>: argv (no shell), stdin /dev/null, stdout and stderr
/// captured apart, each attempt synchronously on the calling thread (one of the run lane's). Retries failed attempts; on a
/// timeout or a halt the job's process group gets TERM, then KILL after the grace period, so grandchildren die too.
/// </summary>
internal sealed class JobExecutor(RunSettings settings, OutputSink stdout, OutputSink stderr, StartGate gate, TimeProvider time) : IDisposable
{
    private readonly Spawner _spawner = new();

    public void Dispose() => _spawner.Dispose();

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
            RunAttempt(result, time.GetTimestamp(), haltToken);
            if (!result.Failed || attempt > settings.Retries || haltToken.IsCancellationRequested) return result;
        }
    }

    // Blocks the calling thread (one of the run lane's) in poll and waitpid until the attempt ends.
    private void RunAttempt(JobResult result, long started, CancellationToken haltToken)
    {
        var grouped = !settings.LineBuffer;
        var outBuffer = grouped ? new SpillBuffer(settings.MemoryBufferBytes) : null;
        var errBuffer = grouped ? new SpillBuffer(settings.MemoryBufferBytes) : null;
        result.Stdout = outBuffer;
        result.Stderr = errBuffer;
        var tag = settings.Tag ? result.Job.Tag : null;
        IOutputTarget outTarget = outBuffer ?? (IOutputTarget)new LinePassThrough(stdout, tag);
        IOutputTarget errTarget = errBuffer ?? (IOutputTarget)new LinePassThrough(stderr, tag);
        Execute(result, outTarget, errTarget, haltToken);
        result.Runtime = time.GetElapsedTime(started);
        result.StdoutBytes = outBuffer?.Length ?? 0;
    }

    // Spawn, read both pipes to their end, wait for the exit, all blocking.
    private void Execute(JobResult result, IOutputTarget outTarget, IOutputTarget errTarget, CancellationToken haltToken)
    {
        var job = result.Job;
        SpawnedProcess process;
        try
        {
            process = _spawner.Start(job.Argv);
        }
        catch (SpawnException e)
        {
            // The command could not be started (not found, not executable): report it like a shell does.
            result.ExitCode = 127;
            var message = Encoding.UTF8.GetBytes($"yard run: {e.Message}\n");
            if (result.Stderr is { } errBuffer) errBuffer.Append(message);
            else lock (stderr.Gate) stderr.Write(message, settings.Tag ? job.Tag : null);
            return;
        }
        using (process)
        {
            var stopper = new Stopper(process, settings.KillGrace, time);
            using (haltToken.UnsafeRegister(static s => ((Stopper)s!).Stop(timedOut: false), stopper))
            using (settings.Timeout is { } timeout ? time.CreateTimer(static s => ((Stopper)s!).Stop(timedOut: true), stopper, timeout, Timeout.InfiniteTimeSpan) : null)
            {
                process.ReadToEnd(outTarget, errTarget);
                result.ExitCode = process.WaitForExit();
            }
            stopper.Dispose();
            result.Signal = stopper.Signal;
            result.TimedOut = stopper.TimedOut;
        }
    }

    // A timeout or a halt: TERM to the group, then KILL after the grace period to whatever is left (the leader and
    // any grandchild still holding the output pipes). The slot thread just sees the pipes end and the exit.
    private sealed class Stopper(SpawnedProcess process, TimeSpan grace, TimeProvider time) : IDisposable
    {
        private readonly Lock _lock = new();
        private ITimer? _kill;
        private bool _done;

        public int Signal { get; private set; }

        public bool TimedOut { get; private set; }

        public void Stop(bool timedOut)
        {
            lock (_lock)
            {
                if (_done || Signal != 0 || !process.TrySignal(ProcessGroup.SigTerm)) return;
                Signal = ProcessGroup.SigTerm;
                TimedOut = timedOut;
                _kill = time.CreateTimer(static s => ((Stopper)s!).Kill(), this, grace, Timeout.InfiniteTimeSpan);
            }
        }

        private void Kill()
        {
            lock (_lock)
                if (!_done && process.TrySignal(ProcessGroup.SigKill)) Signal = ProcessGroup.SigKill;
        }

        public void Dispose()
        {
            lock (_lock)
            {
                _done = true;
                _kill?.Dispose();
            }
        }
    }
}
