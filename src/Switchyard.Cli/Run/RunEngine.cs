namespace Switchyard.Cli.Run;

/// <summary>
/// Runs the jobs on a Cpu lane of -j dedicated threads, each blocking on its job's process (xargs's model), through
/// <c>lane.Stream</c> with one job per chunk: in input order for --keep-order, as completed otherwise. The stream's consumer is
/// the only writer of grouped output and of the joblog, so a job's output is written whole.
/// </summary>
internal sealed class RunEngine(RunSettings settings, TextReader stdin, OutputSink stdout, OutputSink stderr, TimeProvider time)
{
    /// <summary>Exit code: the number of failed jobs, capped at 101 (GNU parallel's rule).</summary>
    public const int MaxExitCode = 101;

    public async Task<RunSummary> RunAsync(TextWriter errorWriter, CancellationToken cancellationToken)
    {
        var source = new JobSource(settings, stdin);
        var done = settings.JobLog is { } log && (settings.Resume || settings.ResumeFailed)
            ? JobLog.ReadDone(log, failedToo: settings.Resume) : [];
        var total = settings.Progress ? source.CountTotal() : null; // only the ETA needs it: no extra pass over files otherwise
        var counters = new RunCounters { Total = total is { } t ? t - done.Count : null };
        using var jobLog = settings.JobLog is { } path ? JobLog.Open(path, append: settings.Resume || settings.ResumeFailed) : null;
        var started = time.GetTimestamp();

        var run = () => RunJobsAsync(source, done, counters, jobLog, cancellationToken);
        var (halted, skipped) = settings.Progress
            ? await RunProgress.ShowAsync(counters, errorWriter, stderr, time, run).ConfigureAwait(false)
            : await run().ConfigureAwait(false);

        var failed = counters.Failed;
        return new RunSummary(counters.Finished + skipped, counters.Finished - failed, failed, skipped, done.Count, halted,
            time.GetElapsedTime(started).TotalSeconds, (int)Math.Min(failed, MaxExitCode));
    }

    private async Task<(bool Halted, long Skipped)> RunJobsAsync(JobSource source, HashSet<long> done, RunCounters counters,
        JobLog? jobLog, CancellationToken cancellationToken)
    {
        using var halt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var stopping = 0; // set once: no new job starts
        using var gate = new StartGate(settings.Delay, time);
        using var executor = new JobExecutor(settings, stdout, stderr, gate, time);
        long skipped = 0;

        async ValueTask<JobResult> Body(Job job, CancellationToken token)
        {
            if (Volatile.Read(ref stopping) == 1) return new JobResult(job) { Skipped = true };
            counters.JobStarted();
            var result = await executor.RunAsync(job, halt.Token).ConfigureAwait(false);
            if (result is null)
            {
                counters.JobNotStarted();
                return new JobResult(job) { Skipped = true };
            }
            var (failed, finished) = counters.JobFinished(result.Failed);
            if (result.Failed && settings.Halt.ShouldHalt(failed, finished) && Interlocked.Exchange(ref stopping, 1) == 0 && settings.Halt.Now)
                await halt.CancelAsync().ConfigureAwait(false);
            return result;
        }

        // A Cpu lane's -j dedicated threads run the attempts synchronously (JobExecutor): a worker that finishes a job
        // takes the next one queued in the window itself, without a wake-up through the thread pool. -j running jobs
        // need -j blocked threads, but the lane starts them only as queued jobs find none free (WorkerThreads), so
        // -j 1000 over ten inputs starts about ten (eagerly, 1,000 threads cost 0.25 s idle and 2.5 s on a loaded
        // 2-core machine). A thread blocked in poll or waitpid costs ~30 KB resident, little beside the job's own process.
        await using var lane = Lane.Cpu(new CpuLaneOptions { Name = "run", Workers = settings.Jobs });
        var jobs = source.ReadAsync(seq => !done.Contains(seq), () => Volatile.Read(ref stopping) == 1 || cancellationToken.IsCancellationRequested,
            CancellationToken.None);
        var options = new MapOptions { Order = settings.KeepOrder ? MapOrder.Input : MapOrder.Completion, ChunkSize = 1 };
        try
        {
            await foreach (var result in lane.Stream(jobs, Body, options, CancellationToken.None).ConfigureAwait(false))
            {
                using (result)
                {
                    if (result.Skipped)
                    {
                        skipped++;
                        continue;
                    }
                    Emit(result);
                    jobLog?.Write(result);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C: running jobs were killed through `halt`; what finished is logged.
        }
        lock (stdout.Gate) stdout.Flush();
        lock (stderr.Gate) stderr.Flush();
        return (Volatile.Read(ref stopping) == 1, skipped);
    }

    private void Emit(JobResult result)
    {
        var tag = settings.Tag ? result.Job.Tag : null;
        if (result.Stdout is { Length: > 0 } o)
            lock (stdout.Gate)
            {
                o.WriteTo(stdout, tag);
                stdout.EndJob();
            }
        if (result.Stderr is { Length: > 0 } e)
            lock (stderr.Gate)
            {
                e.WriteTo(stderr, tag);
                stderr.EndJob();
            }
        if (result.TimedOut)
            lock (stderr.Gate)
                stderr.Write($"yard run: job {result.Job.Seq} timed out after {settings.Timeout!.Value.TotalSeconds:0.###} s and was killed: {result.Job.Command}\n");
    }
}
