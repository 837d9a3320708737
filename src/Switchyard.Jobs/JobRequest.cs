namespace Switchyard.Jobs;

/// <summary>One job for <see cref="JobClient.EnqueueManyAsync"/>.</summary>
/// <param name="Kind">The handler's name.</param>
/// <param name="Payload">The payload as JSON text.</param>
/// <param name="Options">Queue, priority, delay, key and attempts; null for the defaults.</param>
public sealed record JobRequest(string Kind, string Payload, JobOptions? Options = null);
