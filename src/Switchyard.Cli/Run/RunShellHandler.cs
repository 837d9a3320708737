using System.Collections.Concurrent;
using System.Threading.Channels;
using Switchyard.Jobs;
using Switchyard.Jobs.Handlers.Shell;

namespace Switchyard.Cli.Run;

/// <summary>
/// The <c>shell</c> handler as <c>yard run --queue</c> registers it for one run: the built-in <see cref="ShellHandler"/>
/// (allow-listed for exactly this run's executables), with a short retry backoff instead of the queue's minutes-long
/// default (ShellHandler is sealed and its backoff is per kind, so this wraps it), and reporting every ended attempt's
/// job id to <see cref="Ended"/> so the run can print the job once its final state is stored.
/// </summary>
internal sealed class RunShellHandler(ShellHandler inner) : IJobHandler
{
    private readonly Channel<long> _ended = Channel.CreateUnbounded<long>();
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    /// <summary>The wait before a retry: 200 ms per attempt so far, at most 2 s.</summary>
    public static TimeSpan RetryWait(int attempt) => TimeSpan.FromMilliseconds(Math.Min(2000, 200 * Math.Max(1, attempt)));

    /// <summary>Ids of jobs whose attempt ended (their completion may not be stored yet).</summary>
    public ChannelReader<long> Ended => _ended.Reader;

    public string Kind => inner.Kind;

    public LaneKind Lane => inner.Lane;

    public int? MaxAttempts => inner.MaxAttempts;

    public TimeSpan? Backoff(int attempt) => RetryWait(attempt);

    public object ParsePayload(string json) => inner.ParsePayload(json);

    /// <summary>
    /// Completes when the attempts running now have ended. A stopping worker releases its jobs without waiting for
    /// their handlers; waiting here lets the shell handler kill their processes before yard exits.
    /// </summary>
    public Task WhenIdle() => Task.WhenAll(_running.Keys).ContinueWith(_ => { }, CancellationToken.None,
        TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default); // their failures are the worker's to record

    public async ValueTask<object?> RunAsync(object payload, JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var attempt = ((IJobHandler)inner).RunAsync(payload, context, cancellationToken).AsTask();
        _running.TryAdd(attempt, 0);
        try
        {
            return await attempt.ConfigureAwait(false);
        }
        finally
        {
            _running.TryRemove(attempt, out _);
            _ended.Writer.TryWrite(context.Job.Id);
        }
    }
}
