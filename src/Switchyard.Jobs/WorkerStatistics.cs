namespace Switchyard.Jobs;

/// <summary>A snapshot of a worker's counters since it started.</summary>
/// <param name="Leased">Jobs leased.</param>
/// <param name="Running">Jobs whose handler runs now.</param>
/// <param name="Succeeded">Attempts that succeeded.</param>
/// <param name="Retried">Attempts that failed and were scheduled again.</param>
/// <param name="Dead">Attempts after which the job went to dead.</param>
/// <param name="Cancelled">Attempts stopped by a cancel request.</param>
/// <param name="Released">Attempts cut by shutdown, or whose lease was lost.</param>
public sealed record WorkerStatistics(long Leased, int Running, long Succeeded, long Retried, long Dead, long Cancelled, long Released);
