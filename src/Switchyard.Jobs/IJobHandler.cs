namespace Switchyard.Jobs;

/// <summary>
/// A handler as the worker sees it. Implement it by deriving from <see cref="JobHandler{TPayload}"/>, or register
/// a delegate with <see cref="JobHandlers.Add{TPayload}"/>.
/// </summary>
public interface IJobHandler
{
    /// <summary>The kind of job this handler runs.</summary>
    string Kind { get; }

    /// <summary>
    /// The lane the handler runs on: <see cref="LaneKind.Io"/> for async waits, <see cref="LaneKind.Cpu"/> for
    /// computation, <see cref="LaneKind.Loop"/> for single-threaded state; <see cref="LaneKind.Process"/> and
    /// <see cref="LaneKind.Auto"/> are accepted (see <c>WorkerLanes</c> for where they run today).
    /// </summary>
    LaneKind Lane { get; }

    /// <summary>Attempts before a job of this kind is dead, when the job does not say; null for the queue's default (20).</summary>
    int? MaxAttempts { get; }

    /// <summary>The wait before retry <paramref name="attempt"/> + 1; null for the default backoff.</summary>
    TimeSpan? Backoff(int attempt);

    /// <summary>Reads and checks a payload; throws <see cref="ArgumentException"/> naming the field and the rule when it is bad.</summary>
    object ParsePayload(string json);

    /// <summary>Runs one attempt; the returned value is stored as the job's JSON result.</summary>
    ValueTask<object?> RunAsync(object payload, JobContext context, CancellationToken cancellationToken);
}
