using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Switchyard.Cli.Commands;
using Switchyard.Jobs;
using Switchyard.Jobs.Handlers.Shell;
using Switchyard.Jobs.Store;

namespace Switchyard.Cli.Run;

/// <summary>
/// <c>yard run --queue</c>: every job becomes a durable <c>shell</c> job, then an in-process <see cref="Worker"/> drains
/// this run's queue. The run's id is a hash of everything that decides what runs (the working directory, --shell,
/// --timeout, --retries and every job's argv); each job's idempotency key is the run id and its number, so running
/// the same command again finds the jobs already there and carries on where a killed run stopped.
/// Output is printed for the jobs that finish during this invocation only (a re-run does not repeat what was shown),
/// from the shell handler's stored result, so it is bounded by <see cref="ShellHandlerOptions.MaxOutputBytes"/>.
/// </summary>
internal sealed class QueueRun(RunSettings settings, string dbPath, TextReader stdin, OutputSink stdout, OutputSink stderr, TimeProvider time)
{
    private const int EnqueueBatch = 500;

    /// <summary>Short, so the jobs a killed run was running come back soon on the next run.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(5);

    /// <summary>How often the run reads the store for jobs that finished.</summary>
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Dictionary<long, Job> _byJobId = [];
    private readonly HashSet<long> _finishedBefore = [];
    private readonly SortedDictionary<long, Jobs.Job> _held = []; // --keep-order: finished, waiting for earlier jobs
    private long _nextSeq = 1;

    public async Task<RunSummary> RunAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var jobs = new List<Job>();
        await foreach (var job in new JobSource(settings, stdin).ReadAsync(_ => true, () => false, cancellationToken).ConfigureAwait(false))
            jobs.Add(job);
        var cwd = Environment.CurrentDirectory;
        var runId = RunId(jobs, cwd);
        var queue = "run-" + runId[..16];

        // The user asked to run exactly these commands, so the shell handler allows exactly their executables.
        var shell = new ShellHandler(new ShellHandlerOptions
        {
            AllowedExecutables = [.. jobs.Select(j => j.Argv[0].Contains('/', StringComparison.Ordinal) ? Path.GetFullPath(j.Argv[0], cwd) : j.Argv[0])
                .Distinct(StringComparer.Ordinal)],
            DefaultTimeout = settings.Timeout ?? Timeout.InfiniteTimeSpan,
        });
        var handler = new RunShellHandler(shell);
        var handlers = new JobHandlers().Add(handler);
        await using var store = await JobsCommandSupport.OpenStoreAsync(dbPath, null, cancellationToken).ConfigureAwait(false);
        var client = new JobClient(store, new JobClientOptions { Handlers = handlers, TimeProvider = time });
        await EnqueueAsync(client, jobs, runId, queue, cwd, cancellationToken).ConfigureAwait(false);

        var interrupted = false;
        await using (var worker = new Worker(store, handlers, new WorkerOptions
        {
            Queues = [queue], Concurrency = settings.Jobs, LeaseDuration = Lease, PollInterval = TimeSpan.FromMilliseconds(250), TimeProvider = time,
            ShutdownGrace = TimeSpan.Zero, // Ctrl-C kills running jobs at once, as without --queue; their leases are released, the attempt not counted
        }))
        {
            await worker.StartAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await WatchAsync(client, handler, queue, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl-C: disposing the worker releases its running jobs to the queue; the next run carries on.
                interrupted = true;
            }
        }
        await handler.WhenIdle().ConfigureAwait(false);
        foreach (var job in _held.Values) Emit(job); // --keep-order: a gap (a job cancelled while queued) must not hold back the rest
        lock (stdout.Gate) stdout.Flush();
        lock (stderr.Gate) stderr.Flush();

        var counts = (await client.CountAsync(CancellationToken.None).ConfigureAwait(false)).Where(c => c.Queue == queue).ToList();
        var succeeded = counts.Where(c => c.State == JobState.Succeeded).Sum(c => c.Count);
        var failed = counts.Where(c => c.State is JobState.Dead or JobState.Cancelled).Sum(c => c.Count);
        var left = jobs.Count - succeeded - failed;
        if (interrupted && left > 0)
            lock (stderr.Gate)
            {
                stderr.Write($"yard run: interrupted; {left} job(s) left in the queue: run the same command again to carry on\n");
                stderr.Flush();
            }
        // Interrupted with jobs left is a failure even when none failed: the run is not done.
        var exitCode = (int)Math.Min(Math.Max(failed, interrupted && left > 0 ? 1 : 0), RunEngine.MaxExitCode);
        return new RunSummary(jobs.Count, succeeded, failed, 0, _finishedBefore.Count, interrupted, time.GetElapsedTime(started).TotalSeconds, exitCode);
    }

    private async Task EnqueueAsync(JobClient client, List<Job> jobs, string runId, string queue, string cwd, CancellationToken cancellationToken)
    {
        var options = jobs.Select(j => new JobOptions { Queue = queue, IdempotencyKey = $"yard-run:{runId}:{j.Seq}", MaxAttempts = 1 + settings.Retries })
            .ToList();
        foreach (var batch in jobs.Zip(options).Chunk(EnqueueBatch))
        {
            var requests = batch.Select(b => new JobRequest(ShellHandler.KindName,
                JsonSerializer.Serialize(new ShellPayload { Argv = b.First.Argv, WorkingDirectory = cwd }, Json), b.Second)).ToList();
            IReadOnlyList<EnqueueResult> results;
            try
            {
                results = await client.EnqueueManyAsync(requests, cancellationToken).ConfigureAwait(false);
            }
            catch (JobValidationException e)
            {
                throw new RunInputException($"a job cannot be queued: {e.Message}");
            }
            for (var i = 0; i < results.Count; i++)
            {
                _byJobId[results[i].Job.Id] = batch[i].First;
                if (results[i].Job.IsFinished && !LostLease(results[i].Job)) _finishedBefore.Add(batch[i].First.Seq);
            }
        }
    }

    /// <summary>Prints jobs as their final state is stored, until no job of the run is left unfinished.</summary>
    private async Task WatchAsync(JobClient client, RunShellHandler handler, string queue, CancellationToken cancellationToken)
    {
        var ended = new HashSet<long>();
        using var timer = new PeriodicTimer(Tick, time);
        while (true)
        {
            // Counted first: an attempt reports its id before its completion is stored, so once the count says
            // everything finished, every id to print is already in the channel.
            var counts = await client.CountAsync(cancellationToken).ConfigureAwait(false);
            var allFinished = !counts.Any(c => c.Queue == queue && c.Count > 0 && c.State is not (JobState.Succeeded or JobState.Dead or JobState.Cancelled));
            if (counts.Any(c => c.Queue == queue && c.State == JobState.Dead && c.Count > 0)
                && await RetryLostLeasesAsync(client, queue, cancellationToken).ConfigureAwait(false))
                allFinished = false;
            while (handler.Ended.TryRead(out var id)) ended.Add(id);
            foreach (var id in ended.ToList())
            {
                var job = await client.GetAsync(id, cancellationToken).ConfigureAwait(false);
                if (job is { State: JobState.Running }) continue; // the completion is not stored yet
                ended.Remove(id);
                if (job is { IsFinished: true } && _byJobId.ContainsKey(id)) Finished(job);
            }
            if (allFinished && ended.Count == 0) return;
            await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A job whose worker died (a killed run) is rescued when its lease lapses, and that costs it an attempt: with
    /// --retries 0 it is dead without its command ever failing. Such jobs are made available again (RetryAsync grants
    /// the one attempt back), so a killed run loses nothing. Returns whether there were any.
    /// </summary>
    private static async Task<bool> RetryLostLeasesAsync(JobClient client, string queue, CancellationToken cancellationToken)
    {
        var any = false;
        long? before = null;
        do
        {
            var page = await client.QueryAsync(new JobQuery { Queue = queue, States = [JobState.Dead], Search = "stopped renewing its lease", Limit = 1000, Before = before },
                cancellationToken).ConfigureAwait(false);
            foreach (var job in page.Jobs.Where(LostLease))
            {
                await client.RetryAsync(job.Id, cancellationToken).ConfigureAwait(false);
                any = true;
            }
            before = page.NextCursor;
        }
        while (before is not null);
        return any;
    }

    private static bool LostLease(Jobs.Job job) => job is { State: JobState.Dead, LastError.Type: "LeaseExpired" };

    private void Finished(Jobs.Job job)
    {
        if (!settings.KeepOrder)
        {
            Emit(job);
            return;
        }
        _held[_byJobId[job.Id].Seq] = job;
        while (true)
        {
            if (_finishedBefore.Contains(_nextSeq)) _nextSeq++;
            else if (_held.Remove(_nextSeq, out var next))
            {
                Emit(next);
                _nextSeq++;
            }
            else return;
        }
    }

    private void Emit(Jobs.Job job)
    {
        var runJob = _byJobId[job.Id];
        var tag = settings.Tag ? runJob.Tag : null;
        if (job.State == JobState.Succeeded && job.Result is { } json && JsonSerializer.Deserialize<ShellResult>(json, Json) is { } result)
        {
            Write(stdout, result.Stdout, tag);
            Write(stderr, result.Stderr, tag);
            if (result.StdoutBytes > Encoding.UTF8.GetByteCount(result.Stdout) || result.StderrBytes > Encoding.UTF8.GetByteCount(result.Stderr))
                lock (stderr.Gate)
                    stderr.Write($"yard run: job {runJob.Seq} wrote {result.StdoutBytes} bytes to stdout and {result.StderrBytes} to stderr; "
                        + $"the queue kept the first {new ShellHandlerOptions().MaxOutputBytes} of each: {runJob.Command}\n");
            return;
        }
        var why = job.State == JobState.Cancelled ? "was cancelled" : $"failed after {job.Attempt} attempt(s): {job.LastError?.Message}";
        lock (stderr.Gate) stderr.Write($"yard run: job {runJob.Seq} {why}: {runJob.Command}\n");
    }

    private static void Write(OutputSink sink, string text, string? tag)
    {
        if (text.Length == 0) return;
        lock (sink.Gate)
        {
            sink.Write(Encoding.UTF8.GetBytes(text), tag);
            sink.EndJob();
        }
    }

    /// <summary>A hash of everything that decides what the run runs; the same command line over the same input gives the same id.</summary>
    private string RunId(List<Job> jobs, string cwd)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string s)
        {
            hash.AppendData(BitConverter.GetBytes(s.Length)); // length-prefixed, so word boundaries count
            hash.AppendData(Encoding.UTF8.GetBytes(s));
        }
        Add("yard-run-queue/1");
        Add(cwd);
        Add(settings.Shell ? "shell" : "argv");
        Add(settings.Timeout?.TotalMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "");
        Add(settings.Retries.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var job in jobs)
        {
            Add(job.Argv.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
            foreach (var a in job.Argv) Add(a);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
