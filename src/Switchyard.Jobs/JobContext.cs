using Switchyard.Jobs.Store;

namespace Switchyard.Jobs;

/// <summary>What a handler knows about the attempt it runs, and how it reports progress.</summary>
public sealed class JobContext
{
    private readonly IJobStore? _store;
    private readonly string _owner;

    internal JobContext(Job job, IJobStore? store, string owner, TimeProvider time)
    {
        Job = job;
        _store = store;
        _owner = owner;
        TimeProvider = time;
    }

    /// <summary>The job as it was leased (its <see cref="Jobs.Job.Attempt"/> is this attempt's number, from 1).</summary>
    public Job Job { get; }

    /// <summary>The worker's clock.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Records progress (0 to 100, and an optional message) on the job, visible to <c>yard status</c>.</summary>
    public Task ReportProgressAsync(double percent, string? message = null, CancellationToken cancellationToken = default) =>
        _store?.ReportProgressAsync(Job.Id, _owner, percent, message, cancellationToken) ?? Task.CompletedTask;
}
