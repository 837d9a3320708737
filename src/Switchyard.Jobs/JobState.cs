namespace Switchyard.Jobs;

/// <summary>Where a job is in its life.</summary>
public enum JobState
{
    /// <summary>Waiting for its run-at time, which was in the future when it was enqueued.</summary>
    Scheduled,
    /// <summary>Due: a worker may lease it.</summary>
    Available,
    /// <summary>Leased by a worker whose handler runs it.</summary>
    Running,
    /// <summary>Failed an attempt; waits for its retry time.</summary>
    Retrying,
    /// <summary>Finished successfully (final).</summary>
    Succeeded,
    /// <summary>Failed every attempt, or failed permanently (final until retried by hand).</summary>
    Dead,
    /// <summary>Cancelled before or while it ran (final until retried by hand).</summary>
    Cancelled,
}
