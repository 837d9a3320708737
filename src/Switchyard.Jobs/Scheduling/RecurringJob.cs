namespace Switchyard.Jobs.Scheduling;

/// <summary>
/// A job enqueued on a cron schedule. Each occurrence is enqueued with the idempotency key
/// <c>recurring:{Name}:{unix seconds}</c>, so several workers never enqueue one time twice.
/// </summary>
public sealed class RecurringJob
{
    /// <summary>Creates a recurring job.</summary>
    /// <param name="name">A unique name (part of the idempotency key).</param>
    /// <param name="cron">A 5-field cron expression (UTC).</param>
    /// <param name="kind">The handler's name.</param>
    /// <param name="payload">The payload, as JSON text.</param>
    /// <param name="options">Queue, priority and attempts (delay, run-at and key are set by the schedule).</param>
    /// <exception cref="JobValidationException">The name is empty or the cron expression is invalid.</exception>
    public RecurringJob(string name, string cron, string kind, string payload, JobOptions? options = null)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new JobValidationException("name", "a recurring job needs a name.", null);
        Name = name;
        Schedule = CronExpression.Parse(cron);
        Kind = kind;
        Payload = payload;
        Options = options;
    }

    /// <summary>The recurring job's name.</summary>
    public string Name { get; }

    /// <summary>When it runs.</summary>
    public CronExpression Schedule { get; }

    /// <summary>The handler's name.</summary>
    public string Kind { get; }

    /// <summary>The payload, as JSON text.</summary>
    public string Payload { get; }

    /// <summary>Queue, priority and attempts.</summary>
    public JobOptions? Options { get; }

    internal string KeyFor(DateTimeOffset time) => $"recurring:{Name}:{time.ToUnixTimeSeconds()}";
}
