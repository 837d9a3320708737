using System.Text;
using System.Text.Json;
using Switchyard.Jobs.Store;

namespace Switchyard.Jobs;

/// <summary>
/// The queue's front door: enqueue (checked at the edge: bad input names the field and the rule, and nothing
/// is stored), get, list, count, cancel, retry and purge. Thread-safe; share one per store.
/// </summary>
public sealed class JobClient
{
    private const int MaxNameLength = 200;
    private const int MaxKeyLength = 500;
    private readonly JobClientOptions _options;

    /// <summary>Creates a client over <paramref name="store"/>.</summary>
    public JobClient(IJobStore store, JobClientOptions? options = null)
    {
        Store = store ?? throw new ArgumentNullException(nameof(store));
        _options = options ?? new JobClientOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxPayloadBytes, 2, "JobClientOptions.MaxPayloadBytes");
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.DefaultMaxAttempts, 1, "JobClientOptions.DefaultMaxAttempts");
    }

    /// <summary>The store behind the client.</summary>
    public IJobStore Store { get; }

    /// <summary>Enqueues one job whose payload is JSON text.</summary>
    /// <exception cref="JobValidationException">Bad input; the message names the field and the rule.</exception>
    public async Task<EnqueueResult> EnqueueAsync(string kind, string payload, JobOptions? options = null, CancellationToken cancellationToken = default) =>
        (await EnqueueManyAsync([new JobRequest(kind, payload, options)], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>Enqueues one job whose payload is serialized to JSON.</summary>
    /// <exception cref="JobValidationException">Bad input; the message names the field and the rule.</exception>
    public Task<EnqueueResult> EnqueueAsync<TPayload>(string kind, TPayload payload, JobOptions? options = null, CancellationToken cancellationToken = default) =>
        EnqueueAsync(kind, JsonSerializer.Serialize(payload, JobJson.Options), options, cancellationToken);

    /// <summary>Enqueues many jobs in one transaction: every one is checked first, then all are stored or none.</summary>
    /// <exception cref="JobValidationException">Bad input in any job; the message names the job's index, the field and the rule.</exception>
    public Task<IReadOnlyList<EnqueueResult>> EnqueueManyAsync(IReadOnlyList<JobRequest> jobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var now = _options.TimeProvider.GetUtcNow();
        var checkedJobs = new NewJob[jobs.Count];
        for (var i = 0; i < jobs.Count; i++)
        {
            try
            {
                checkedJobs[i] = Check(jobs[i], now);
            }
            catch (JobValidationException e) when (jobs.Count > 1)
            {
                throw new JobValidationException($"job {i}: {e.Message}", e);
            }
        }
        return Store.EnqueueAsync(checkedJobs, cancellationToken);
    }

    /// <summary>Checks one job as <see cref="EnqueueManyAsync"/> would, without storing it (the HTTP API names the failing element).</summary>
    internal NewJob Check(JobRequest request) => Check(request, _options.TimeProvider.GetUtcNow());

    private NewJob Check(JobRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = request.Options ?? new JobOptions();
        var kind = request.Kind;
        if (string.IsNullOrWhiteSpace(kind) || kind.Length > MaxNameLength)
            throw new JobValidationException("kind", $"must be 1 to {MaxNameLength} characters.", null);
        IJobHandler? handler = null;
        if (_options.Handlers is { } handlers && !handlers.TryGet(kind, out handler))
            throw new JobValidationException("kind",
                $"no handler is registered for '{kind}' (known: {string.Join(", ", handlers.Kinds.Order(StringComparer.Ordinal))}).", null);

        var payload = request.Payload ?? throw new JobValidationException("payload", "is required (JSON).", null);
        var size = Encoding.UTF8.GetByteCount(payload);
        if (size > _options.MaxPayloadBytes)
            throw new JobValidationException("payload", $"is {size} bytes; the limit is {_options.MaxPayloadBytes} bytes.", null);
        try
        {
            using var _ = JsonDocument.Parse(payload);
        }
        catch (JsonException e)
        {
            throw new JobValidationException("payload", $"is not valid JSON: {e.Message}", e);
        }
        handler?.ParsePayload(payload);

        var queue = options.Queue ?? _options.DefaultQueue;
        if (queue.Length is 0 or > MaxNameLength || !queue.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new JobValidationException("queue", $"'{queue}' must be 1 to {MaxNameLength} characters of letters, digits, '-', '_' or '.'.", null);
        if (options.Delay is { } delay && delay < TimeSpan.Zero)
            throw new JobValidationException("delay", $"must not be negative (got {delay}).", null);
        var maxAttempts = options.MaxAttempts ?? handler?.MaxAttempts ?? _options.DefaultMaxAttempts;
        if (maxAttempts < 1)
            throw new JobValidationException("maxAttempts", $"must be at least 1 (got {maxAttempts}).", null);
        if (options.IdempotencyKey is { } key && (key.Length is 0 or > MaxKeyLength))
            throw new JobValidationException("key", $"must be 1 to {MaxKeyLength} characters.", null);
        // No delay: the store stamps the time itself, so run-at and created-at agree.
        var runAt = options.RunAt ?? (options.Delay is { } wait && wait > TimeSpan.Zero ? now + wait : null);
        return new NewJob(kind, queue, payload, options.Priority, runAt, maxAttempts, options.IdempotencyKey);
    }

    /// <summary>Gets one job, or null.</summary>
    public Task<Job?> GetAsync(long jobId, CancellationToken cancellationToken = default) => Store.GetAsync(jobId, cancellationToken);

    /// <summary>Lists jobs, newest first, with filters and keyset paging.</summary>
    public Task<JobPage> QueryAsync(JobQuery query, CancellationToken cancellationToken = default) => Store.QueryAsync(query, cancellationToken);

    /// <summary>Counts jobs by queue and state.</summary>
    public Task<IReadOnlyList<JobCount>> CountAsync(CancellationToken cancellationToken = default) => Store.CountAsync(cancellationToken);

    /// <summary>Cancels a queued job at once, or asks the worker running it to cancel.</summary>
    public Task<CancelOutcome> CancelAsync(long jobId, CancellationToken cancellationToken = default) => Store.CancelAsync(jobId, cancellationToken);

    /// <summary>Makes a finished or retrying job available now.</summary>
    public Task<RetryOutcome> RetryAsync(long jobId, CancellationToken cancellationToken = default) => Store.RetryAsync(jobId, cancellationToken);

    /// <summary>Deletes jobs that finished more than <paramref name="olderThan"/> ago; returns how many.</summary>
    public Task<int> PurgeAsync(TimeSpan olderThan, CancellationToken cancellationToken = default) =>
        Store.PurgeAsync(_options.TimeProvider.GetUtcNow() - olderThan, cancellationToken);
}
