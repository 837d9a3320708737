namespace Switchyard.Jobs;

/// <summary>Options of <see cref="JobClient"/>.</summary>
public sealed class JobClientOptions
{
    /// <summary>
    /// The handlers whose kinds the client accepts; each payload is parsed and checked by its handler before
    /// anything is stored. Default: null (any kind, any JSON payload; the worker judges it).
    /// </summary>
    public JobHandlers? Handlers { get; init; }

    /// <summary>The largest payload, in UTF-8 bytes. Default: 1 MiB.</summary>
    public int MaxPayloadBytes { get; init; } = 1024 * 1024;

    /// <summary>The queue of jobs that name none. Default: <c>"default"</c>.</summary>
    public string DefaultQueue { get; init; } = "default";

    /// <summary>Attempts when neither the job nor its handler says. Default: 20.</summary>
    public int DefaultMaxAttempts { get; init; } = 20;

    /// <summary>The clock for delays. Default: <see cref="System.TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
