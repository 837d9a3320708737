using Switchyard.Processes.Protocol;
using Switchyard.Processes.Work;

namespace Switchyard.Processes.Workers;

/// <summary><see cref="ProcessLaneOptions"/> checked, with every default filled in.</summary>
internal sealed record WorkerSettings(
    int Workers, string HostPath, IReadOnlyDictionary<string, string> Environment, TextWriter? Output, TimeSpan StartTimeout,
    TimeSpan? ItemTimeout, int? MaxItemsPerWorker, int Retries, MethodRef? Initializer, TimeSpan CancellationGrace, TimeProvider Time)
{
    /// <summary>Workers report each result at once when a timeout must know exactly which item is running.</summary>
    public bool FlushEachItem => ItemTimeout is not null;

    /// <exception cref="ArgumentException">A field breaks its rule; the message names the field and the rule.</exception>
    public static WorkerSettings From(ProcessLaneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Workers < 1) throw Invalid($"ProcessLaneOptions.Workers must be at least 1 (was {options.Workers}).");
        if (options.MaxItemsPerWorker is < 1) throw Invalid($"ProcessLaneOptions.MaxItemsPerWorker must be at least 1 (was {options.MaxItemsPerWorker}).");
        if (options.ItemTimeout is { } t && t <= TimeSpan.Zero) throw Invalid($"ProcessLaneOptions.ItemTimeout must be positive (was {t}).");
        if (options.RetryItemsOfDeadWorker < 0) throw Invalid($"ProcessLaneOptions.RetryItemsOfDeadWorker must be at least 0 (was {options.RetryItemsOfDeadWorker}).");
        if (options.StartTimeout <= TimeSpan.Zero) throw Invalid($"ProcessLaneOptions.StartTimeout must be positive (was {options.StartTimeout}).");
        if (options.CancellationGrace < TimeSpan.Zero) throw Invalid($"ProcessLaneOptions.CancellationGrace must not be negative (was {options.CancellationGrace}).");
        if (options.Environment is null) throw Invalid("ProcessLaneOptions.Environment must not be null.");
        if (options.TimeProvider is null) throw Invalid("ProcessLaneOptions.TimeProvider must not be null.");
        var host = options.WorkerHostPath ?? Path.Combine(
            Path.GetDirectoryName(typeof(ProcessLane).Assembly.Location) ?? AppContext.BaseDirectory, "switchyard-worker.dll");
        if (!File.Exists(host))
            throw Invalid($"ProcessLaneOptions.WorkerHostPath must name an existing switchyard-worker.dll (no file at '{host}').");
        MethodRef? initializer = null;
        if (options.Initializer is { } init)
        {
            if (init.Method.GetParameters().Length != 0)
                throw Invalid("ProcessLaneOptions.Initializer must take no parameters.");
            try { initializer = WorkIdentity.Of(init, nameof(options.Initializer)); }
            catch (ArgumentException e) { throw Invalid($"ProcessLaneOptions.Initializer: {e.Message}"); }
        }
        return new WorkerSettings(options.Workers, Path.GetFullPath(host), options.Environment, options.WorkerOutput, options.StartTimeout,
            options.ItemTimeout, options.MaxItemsPerWorker, options.RetryItemsOfDeadWorker, initializer, options.CancellationGrace, options.TimeProvider);
    }

    private static ArgumentException Invalid(string message) => new(message);
}
