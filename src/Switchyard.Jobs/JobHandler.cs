using System.Text.Json;

namespace Switchyard.Jobs;

/// <summary>
/// A handler class with a typed payload (read from JSON with web defaults: camelCase, case-insensitive).
/// Override <see cref="Validate"/> to refuse bad payloads at enqueue, before anything is stored.
/// </summary>
/// <typeparam name="TPayload">The payload type.</typeparam>
public abstract class JobHandler<TPayload> : IJobHandler
{
    /// <inheritdoc />
    public abstract string Kind { get; }

    /// <inheritdoc />
    public virtual LaneKind Lane => LaneKind.Io;

    /// <inheritdoc />
    public virtual int? MaxAttempts => null;

    /// <inheritdoc />
    public virtual TimeSpan? Backoff(int attempt) => null;

    /// <summary>Runs one attempt; the returned value is stored as the job's JSON result.</summary>
    public abstract ValueTask<object?> RunAsync(TPayload payload, JobContext context, CancellationToken cancellationToken);

    /// <summary>Checks a parsed payload; throw <see cref="JobValidationException"/> naming the field and the rule. Default: accepts anything.</summary>
    protected virtual void Validate(TPayload payload) { }

    /// <inheritdoc />
    public object ParsePayload(string json)
    {
        TPayload? payload;
        try
        {
            payload = JsonSerializer.Deserialize<TPayload>(json, JobJson.Options);
        }
        catch (JsonException e)
        {
            var where = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" at {e.Path}";
            throw new JobValidationException("payload", $"not a valid '{Kind}' payload{where}: {e.Message}", e);
        }
        if (payload is null)
            throw new JobValidationException("payload", $"a '{Kind}' job needs a JSON object, not null.", null);
        Validate(payload);
        return payload;
    }

    /// <inheritdoc />
    ValueTask<object?> IJobHandler.RunAsync(object payload, JobContext context, CancellationToken cancellationToken) =>
        RunAsync((TPayload)payload, context, cancellationToken);
}
