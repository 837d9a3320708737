using System.Collections.Concurrent;
using System.Threading.Channels;
using Switchyard.Jobs.Scheduling;
using Switchyard.Jobs.Store;
using Switchyard.Jobs.Workers;

namespace Switchyard.Jobs;

/// <summary>
/// Runs jobs from a store: leases batches per queue within each queue's concurrency limit, runs each handler on
/// its lane, renews leases by heartbeat (a dead worker's jobs come back once their lease lapses, seconds later),
/// completes in batches, retries with backoff, moves exhausted jobs to dead, and stops gracefully.
/// Wakes at once on an enqueue through the same store instance; polls as a fallback. Reports itself to the store's worker
/// registry at start and on every heartbeat (so a server on any machine lists it), and removes itself when it stops.
/// </summary>
public sealed class Worker : IAsyncDisposable
{
    private readonly IJobStore _store;
    private readonly JobHandlers _handlers;
    private readonly WorkerOptions _options;
    private readonly TimeProvider _time;
    private readonly TimeSpan _heartbeat;
    private readonly TimeSpan _rescue;
    private readonly QueuePool[] _pools;
    private readonly WorkerLanes _lanes;
    private readonly WakeSignal _wake = new();
    private readonly ConcurrentDictionary<long, RunningJob> _held = new();
    private readonly TaskCompletionSource _handlersIdle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _activeHandlers;
    private readonly Channel<(JobCompletion Completion, RunningJob Job)> _completions =
        Channel.CreateUnbounded<(JobCompletion, RunningJob)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopLeasing = new();
    private readonly CancellationTokenSource _stopLoops = new();
    private readonly CancellationTokenSource _hardStop = new();
    private readonly Lock _randomGate = new();
    private readonly JobClient _client;
    private readonly TextWriter? _log;
    private Task _fetchLoop = Task.CompletedTask, _heartbeatLoop = Task.CompletedTask, _rescueLoop = Task.CompletedTask,
        _completeLoop = Task.CompletedTask, _scheduleLoop = Task.CompletedTask;
    private long _leased, _succeeded, _retried, _dead, _cancelled, _released;
    private readonly Lock _stopGate = new();
    private Task? _stop;
    private int _started;
    private DateTimeOffset _startedAt;

    /// <summary>Creates a worker; call <see cref="StartAsync"/> to begin.</summary>
    public Worker(IJobStore store, JobHandlers handlers, WorkerOptions? options = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _handlers = handlers ?? throw new ArgumentNullException(nameof(handlers));
        _options = options ?? new WorkerOptions();
        _log = _options.Log is null ? null : TextWriter.Synchronized(_options.Log); // the loops write from several threads
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.Concurrency, 1, "WorkerOptions.Concurrency");
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.BatchSize, 1, "WorkerOptions.BatchSize");
        foreach (var (queue, limit) in _options.QueueConcurrency ?? new Dictionary<string, int>())
            ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1, $"WorkerOptions.QueueConcurrency[{queue}]");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.LeaseDuration, TimeSpan.Zero, "WorkerOptions.LeaseDuration");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.PollInterval, TimeSpan.Zero, "WorkerOptions.PollInterval");
        _time = _options.TimeProvider;
        _heartbeat = _options.HeartbeatInterval ?? _options.LeaseDuration / 3;
        _rescue = _options.RescueInterval ?? _options.LeaseDuration / 2;
        if (_heartbeat >= _options.LeaseDuration)
            throw new ArgumentOutOfRangeException(nameof(options), "WorkerOptions.HeartbeatInterval must be shorter than LeaseDuration.");
        Id = _options.Id ?? $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";
        _pools = _options.Queues.Count == 0
            ? [new QueuePool([], _options.Concurrency, _options.BatchSize)]
            : _options.Queues.Distinct(StringComparer.Ordinal)
                .Select(q => new QueuePool([q], _options.QueueConcurrency?.GetValueOrDefault(q, _options.Concurrency) ?? _options.Concurrency,
                    _options.BatchSize))
                .ToArray();
        foreach (var recurring in _options.Recurring)
        {
            // Refuse a schedule that could never enqueue, at start rather than at its first time.
            if (!handlers.TryGet(recurring.Kind, out var handler))
                throw new JobValidationException("kind", $"recurring job '{recurring.Name}': no handler is registered for '{recurring.Kind}'.", null);
            handler.ParsePayload(recurring.Payload);
        }
        _lanes = new WorkerLanes(_time);
        _client = new JobClient(store, new JobClientOptions { Handlers = handlers, TimeProvider = _time });
    }

    /// <summary>The worker's id, the owner of its leases.</summary>
    public string Id { get; }

    /// <summary>A snapshot of the worker's counters.</summary>
    public WorkerStatistics Statistics() => new(
        Interlocked.Read(ref _leased), _pools.Sum(p => p.Running), Interlocked.Read(ref _succeeded), Interlocked.Read(ref _retried),
        Interlocked.Read(ref _dead), Interlocked.Read(ref _cancelled), Interlocked.Read(ref _released));

    /// <summary>Starts leasing and running jobs.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Interlocked.Exchange(ref _started, 1) != 0)
            throw new InvalidOperationException("The worker is already started.");
        _startedAt = _time.GetUtcNow();
        _store.JobsAvailable += OnJobsAvailable;
        _fetchLoop = Task.Run(FetchLoopAsync, CancellationToken.None);
        _heartbeatLoop = Task.Run(HeartbeatLoopAsync, CancellationToken.None);
        _rescueLoop = Task.Run(RescueLoopAsync, CancellationToken.None);
        _completeLoop = Task.Run(CompleteLoopAsync, CancellationToken.None);
        _scheduleLoop = Task.Run(() => new RecurringScheduler(_options.Recurring, _client, _time, _log).RunAsync(_stopLeasing.Token),
            CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Starts, runs until <paramref name="stoppingToken"/> fires, then stops gracefully.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        await StartAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops gracefully: leases nothing more, waits up to <see cref="WorkerOptions.ShutdownGrace"/> for running
    /// jobs, then cancels the rest and releases their leases at once (they become available, the attempt not
    /// counted), stores every completion, and stops. <paramref name="cancellationToken"/> cuts the grace short.
    /// </summary>
    /// <remarks>Every caller awaits the one stop: a host that stops the worker while its owner disposes it waits for the first.</remarks>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _started) == 0) return Task.CompletedTask;
        lock (_stopGate) return _stop ??= StopOnceAsync(cancellationToken);
    }

    private async Task StopOnceAsync(CancellationToken cancellationToken)
    {
        await Task.Yield(); // not under the caller's lock
        _store.JobsAvailable -= OnJobsAvailable;
        await _stopLeasing.CancelAsync().ConfigureAwait(false);
        await IgnoreCancellation(_fetchLoop).ConfigureAwait(false);
        await IgnoreCancellation(_scheduleLoop).ConfigureAwait(false);

        // Leasing has stopped, so the count only falls from here.
        if (Volatile.Read(ref _activeHandlers) == 0) _handlersIdle.TrySetResult();
        var handlers = _handlersIdle.Task;
        if (!handlers.IsCompleted)
        {
            using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await Task.WhenAny(handlers, Task.Delay(_options.ShutdownGrace, _time, grace.Token)).ConfigureAwait(false);
            await grace.CancelAsync().ConfigureAwait(false);
        }
        if (!handlers.IsCompleted)
        {
            await _hardStop.CancelAsync().ConfigureAwait(false);
            // Release at once, whether or not a handler honours its token: its later completion is dropped.
            foreach (var job in _held.Values)
            {
                if (job.TryClaimCompletion())
                    Report(job, new JobCompletion(job.Job.Id, Id, CompletionKind.Released));
            }
        }
        _completions.Writer.TryComplete();
        await IgnoreCancellation(_completeLoop).ConfigureAwait(false);
        await _stopLoops.CancelAsync().ConfigureAwait(false);
        await IgnoreCancellation(_heartbeatLoop).ConfigureAwait(false);
        await IgnoreCancellation(_rescueLoop).ConfigureAwait(false);
        try
        {
            await _store.RemoveWorkerAsync(Id, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // an entry left behind only shows the worker until it is pruned
        catch (Exception e)
#pragma warning restore CA1031
        {
            _log?.WriteLine($"worker {Id}: removing it from the worker registry failed: {e.Message}");
        }
        if (handlers.IsCompleted)
            await _lanes.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Stops gracefully (see <see cref="StopAsync"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopLeasing.Dispose();
        _stopLoops.Dispose();
        _hardStop.Dispose();
    }

    private void OnJobsAvailable(IReadOnlyCollection<string> queues)
    {
        if (_pools.Any(p => p.Queues.Count == 0 || queues.Contains(p.Queues[0]))) _wake.Set();
    }

    private async Task FetchLoopAsync()
    {
        var token = _stopLeasing.Token;
        while (!token.IsCancellationRequested)
        {
            // The poll is due a full interval after this round began, not after it ended: a round that took long
            // (or a clock that jumped) is followed by the next one at once.
            var roundStarted = _time.GetTimestamp();
            var more = false;
            try
            {
                foreach (var pool in _pools)
                {
                    var free = pool.Limit - pool.Running;
                    if (free <= 0 || (pool.Running > 0 && free < pool.WorthLeasing)) continue;
                    var want = Math.Min(free, _options.BatchSize);
                    var jobs = await _store.LeaseAsync(new LeaseRequest(Id, pool.Queues, want, _options.LeaseDuration), token).ConfigureAwait(false);
                    Interlocked.Add(ref _leased, jobs.Count);
                    foreach (var job in jobs)
                        Start(job, pool);
                    more |= jobs.Count == want;
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _log?.WriteLine($"worker {Id}: leasing failed: {e.Message}");
            }
            if (!more)
            {
                try
                {
                    var wait = _options.PollInterval - _time.GetElapsedTime(roundStarted);
                    if (wait > TimeSpan.Zero)
                        await _wake.WaitAsync(wait, _time, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void Start(Job job, QueuePool pool)
    {
        var running = new RunningJob(job, _time.GetTimestamp(), _hardStop.Token);
        _held[job.Id] = running;
        pool.Add();
        Interlocked.Increment(ref _activeHandlers);
        _ = RunAsync(running, pool);
    }

    private async Task RunAsync(RunningJob running, QueuePool pool)
    {
        try
        {
            var completion = await AttemptAsync(running).ConfigureAwait(false);
            // Reported before this handler counts as ended: a graceful stop closes the completion queue once the last
            // handler has ended, and a completion written after that would be dropped (the job then ran twice).
            if (completion is not null && running.TryClaimCompletion())
                Report(running, completion);
            else if (completion is null)
                Forget(running);
        }
        finally
        {
            // Wake the fetch loop only when this finish makes a lease worth its round trip, not on every job.
            var free = pool.Limit - pool.Remove();
            if (free == pool.WorthLeasing || free == pool.Limit)
                _wake.Set();
            if (Interlocked.Decrement(ref _activeHandlers) == 0 && _stopLeasing.IsCancellationRequested)
                _handlersIdle.TrySetResult();
        }
    }

    private async Task<JobCompletion?> AttemptAsync(RunningJob running)
    {
        var job = running.Job;
        if (!_handlers.TryGet(job.Kind, out var handler))
            return Failed(job, null, new InvalidOperationException($"No handler is registered for kind '{job.Kind}' on worker {Id}."));
        object payload;
        try
        {
            payload = handler.ParsePayload(job.Payload);
        }
        catch (ArgumentException e)
        {
            return new JobCompletion(job.Id, Id, CompletionKind.Dead, Error: JobError.From(e));
        }
        try
        {
            var context = new JobContext(job, _store, Id, _time);
            var lane = _lanes.For(handler.Lane);
            var result = await lane.RunAsync(ct => handler.RunAsync(payload, context, ct), running.Token).ConfigureAwait(false);
            return new JobCompletion(job.Id, Id, CompletionKind.Succeeded, Result: JobJson.Serialize(result));
        }
        catch (Exception e) when (running.Token.IsCancellationRequested && e is OperationCanceledException or ObjectDisposedException)
        {
            if (running.Lost) return null;
            return new JobCompletion(job.Id, Id, running.CancelRequested ? CompletionKind.Cancelled : CompletionKind.Released);
        }
        catch (PermanentJobException e)
        {
            return new JobCompletion(job.Id, Id, CompletionKind.Dead, Error: JobError.From(e));
        }
#pragma warning disable CA1031 // any handler failure is recorded on the job and retried
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Failed(job, handler, e);
        }
    }

    private JobCompletion Failed(Job job, IJobHandler? handler, Exception error)
    {
        if (job.Attempt >= job.MaxAttempts)
            return new JobCompletion(job.Id, Id, CompletionKind.Dead, Error: JobError.From(error));
        TimeSpan wait;
        lock (_randomGate)
            wait = handler?.Backoff(job.Attempt) ?? RetryBackoff.Default(job.Attempt, _options.Random);
        return new JobCompletion(job.Id, Id, CompletionKind.Retry, Error: JobError.From(error), RetryAt: _time.GetUtcNow() + wait);
    }

    private void Report(RunningJob job, JobCompletion completion)
    {
        JobMetrics.Ended(job.Job, completion.Kind, _time.GetElapsedTime(job.LeasedAt));
        switch (completion.Kind)
        {
            case CompletionKind.Succeeded: Interlocked.Increment(ref _succeeded); break;
            case CompletionKind.Retry: Interlocked.Increment(ref _retried); break;
            case CompletionKind.Dead: Interlocked.Increment(ref _dead); break;
            case CompletionKind.Cancelled: Interlocked.Increment(ref _cancelled); break;
            default: Interlocked.Increment(ref _released); break;
        }
        if (!_completions.Writer.TryWrite((completion, job)))
            Forget(job); // stopping: the lease lapses and the job is rescued
    }

    private void Forget(RunningJob job)
    {
        if (_held.TryRemove(new KeyValuePair<long, RunningJob>(job.Job.Id, job)))
            job.Dispose();
    }

    private async Task CompleteLoopAsync()
    {
        var batch = new List<(JobCompletion Completion, RunningJob Job)>();
        while (await _completions.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < 1000 && _completions.Reader.TryRead(out var item))
                batch.Add(item);
            try
            {
                await _store.CompleteAsync(batch.Select(b => b.Completion).ToList()).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // the store is unreachable: the leases lapse and the jobs are rescued, nothing is lost
            catch (Exception e)
#pragma warning restore CA1031
            {
                _log?.WriteLine($"worker {Id}: storing {batch.Count} completions failed: {e.Message}");
            }
            foreach (var (_, job) in batch)
                Forget(job);
            batch.Clear();
        }
    }

    private async Task HeartbeatLoopAsync()
    {
        using var timer = new PeriodicTimer(_heartbeat, _time);
        try
        {
            await RegisterAsync().ConfigureAwait(false);
            while (await timer.WaitForNextTickAsync(_stopLoops.Token).ConfigureAwait(false))
            {
                await RegisterAsync().ConfigureAwait(false);
                var held = _held.Keys.ToList();
                if (held.Count == 0) continue;
                try
                {
                    var renewed = await _store.RenewLeasesAsync(Id, held, _options.LeaseDuration, _stopLoops.Token).ConfigureAwait(false);
                    foreach (var id in renewed.CancelRequested)
                    {
                        if (_held.TryGetValue(id, out var job)) job.RequestCancel();
                    }
                    foreach (var id in renewed.Lost)
                    {
                        if (_held.TryGetValue(id, out var job) && !job.Lost)
                        {
                            _log?.WriteLine($"worker {Id}: lost the lease on job {id}; stopping it.");
                            job.MarkLost();
                        }
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _log?.WriteLine($"worker {Id}: renewing leases failed: {e.Message}");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Tells the store this worker is alive, so servers on any machine list it.</summary>
    private async Task RegisterAsync()
    {
        var now = _time.GetUtcNow();
        var info = new WorkerInfo(Id, Environment.MachineName, Environment.ProcessId, _options.Queues.Distinct(StringComparer.Ordinal).ToList(),
            _pools.Sum(p => p.Limit), _pools.Sum(p => p.Running), _startedAt, now);
        try
        {
            await _store.HeartbeatWorkerAsync(info, _stopLoops.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _log?.WriteLine($"worker {Id}: the worker registry heartbeat failed: {e.Message}");
        }
    }

    private async Task RescueLoopAsync()
    {
        try
        {
            await RescueOnceAsync().ConfigureAwait(false);
            using var timer = new PeriodicTimer(_rescue, _time);
            while (await timer.WaitForNextTickAsync(_stopLoops.Token).ConfigureAwait(false))
                await RescueOnceAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RescueOnceAsync()
    {
        try
        {
            if (await _store.RescueExpiredAsync(_stopLoops.Token).ConfigureAwait(false) > 0)
                _wake.Set();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _log?.WriteLine($"worker {Id}: rescuing expired leases failed: {e.Message}");
        }
    }

    private static async Task IgnoreCancellation(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One queue (or every queue) with its concurrency limit.</summary>
    private sealed class QueuePool(IReadOnlyList<string> queues, int limit, int batchSize)
    {
        private int _running;
        public IReadOnlyList<string> Queues { get; } = queues;
        public int Limit { get; } = limit;

        /// <summary>
        /// While jobs run, lease again only once this many slots are free (a quarter of a batch): a round trip per
        /// finished job would cost more than the jobs. Free slots grow one finish at a time, so a finish that makes
        /// the count equal to this is the one that crosses it.
        /// </summary>
        public int WorthLeasing { get; } = Math.Max(1, Math.Min(batchSize, limit) / 4);

        public int Running => Volatile.Read(ref _running);
        public void Add() => Interlocked.Increment(ref _running);

        /// <summary>Frees a slot; returns how many jobs still run.</summary>
        public int Remove() => Interlocked.Decrement(ref _running);
    }
}
