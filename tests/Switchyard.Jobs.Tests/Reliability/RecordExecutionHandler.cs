namespace Switchyard.Jobs.Tests.Reliability;

/// <summary>The payload of <see cref="RecordExecutionHandler"/>.</summary>
/// <param name="Log">The folder in which each execution creates one file.</param>
/// <param name="WorkMs">How long the job's work lasts once recorded.</param>
public sealed record RecordPayload(string Log, int WorkMs);

/// <summary>
/// A handler for the reliability tests, loaded into real <c>yard worker</c> processes with
/// <c>--handlers-assembly</c> (this test assembly). Each execution creates a file named "job attempt pid guid"
/// in the log folder's subfolder for its process (creating a file is atomic, where concurrent appends from several processes are not) before
/// the work starts, so the test counts executions, and which process ran each one, after any number of kill -9s.
/// </summary>
public sealed class RecordExecutionHandler : JobHandler<RecordPayload>
{
    public const string KindName = "test.record";

    public override string Kind => KindName;

    public override int? MaxAttempts => 100;

    // Retries of a killed worker's jobs come back at once (the rescue is what is under test, not the backoff).
    public override TimeSpan? Backoff(int attempt) => TimeSpan.Zero;

    public override async ValueTask<object?> RunAsync(RecordPayload payload, JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(context);
        // One folder per process, so a test can watch one worker cheaply.
        var folder = Directory.CreateDirectory(Path.Combine(payload.Log, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture))).FullName;
        var name = $"{context.Job.Id} {context.Job.Attempt} {Environment.ProcessId} {Guid.NewGuid():N}";
        await File.WriteAllBytesAsync(Path.Combine(folder, name), [], cancellationToken);
        await Task.Delay(payload.WorkMs, cancellationToken); // the job's simulated work
        return Environment.ProcessId;
    }
}
