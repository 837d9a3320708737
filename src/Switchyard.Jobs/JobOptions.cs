namespace Switchyard.Jobs;

/// <summary>How a job is enqueued. Every property is optional.</summary>
public sealed class JobOptions
{
    /// <summary>The queue. Default: <c>"default"</c>.</summary>
    public string? Queue { get; init; }

    /// <summary>Higher runs first among due jobs of a queue. Default: 0.</summary>
    public int Priority { get; init; }

    /// <summary>Run no earlier than this long after enqueue; must not be negative. Default: none (due at once).</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>Run no earlier than this time; overrides <see cref="Delay"/>. Default: none.</summary>
    public DateTimeOffset? RunAt { get; init; }

    /// <summary>A repeated key returns the existing job instead of enqueueing another. Default: none.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Attempts before the job is dead. Default: the handler's setting, else 20.</summary>
    public int? MaxAttempts { get; init; }
}
