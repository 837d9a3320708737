using System.Diagnostics;
using System.Threading.Channels;
using Switchyard.Diagnostics;

namespace Switchyard;

/// <summary>
/// The engine of one pipeline run: the run's cancellation (linked to the caller's token), the first fault,
/// every worker task, and every stage's counters. All workers are started while the run is wired, and
/// <see cref="Completion"/> awaits each of them, so no worker outlives the run.
/// </summary>
internal sealed class PipelineRunContext
{
    private readonly CancellationTokenSource _cts;
    private readonly CancellationToken _caller;
    private readonly List<Task> _workers = [];
    private readonly List<StageCounters> _stages = [];
    private PipelineStageException? _fault;

    private PipelineRunContext(CancellationToken caller)
    {
        _caller = caller;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(caller);
        Token = _cts.Token;
    }

    /// <summary>Fires when the caller cancels or a stage faults; every body and channel wait observes it.</summary>
    public CancellationToken Token { get; }

    /// <summary>Ends once every worker has ended: faulted with the first fault, cancelled, or completed.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    public IReadOnlyList<StageCounters> Stages => _stages;

    /// <summary>Creates the run, lets <paramref name="wire"/> build its channels and start its workers, and returns it.</summary>
    public static PipelineRunContext Start(IReadOnlyList<string> stages, Action<PipelineRunContext> wire, CancellationToken cancellationToken)
    {
        var run = new PipelineRunContext(cancellationToken);
        // The workers inherit the activity as their parent; the caller's own current activity is left as it was.
        var previous = Activity.Current;
        var activity = SwitchyardDiagnostics.ActivitySource.StartActivity("switchyard.pipeline");
        activity?.SetTag("switchyard.pipeline.stages", string.Join(",", stages));
        try
        {
            wire(run);
            run.Completion = run.CompleteAsync(activity);
        }
        finally
        {
            Activity.Current = previous;
        }
        return run;
    }

    public StageCounters AddStage(StageSpec spec, Lane? lane)
    {
        var counters = new StageCounters(spec.Name, lane, spec.Concurrency, spec.Capacity);
        _stages.Add(counters);
        return counters;
    }

    /// <summary>Starts a worker on the thread pool (never inline on the caller's thread) and tracks it.</summary>
    public void Spawn(Func<Task> worker) => _workers.Add(Task.Run(worker));

    /// <summary>
    /// Starts <paramref name="stage"/>'s workers: each takes items from <paramref name="input"/> and runs
    /// <paramref name="work"/> on them until the input completes, the run is cancelled, or an item fails.
    /// When the last worker ends, <paramref name="whenAllEnded"/> runs (it completes the stage's output).
    /// </summary>
    public void StartWorkers<TIn>(StageCounters stage, ChannelReader<TIn> input,
        Func<TIn, CancellationToken, ValueTask> work, Action? whenAllEnded)
    {
        stage.ObserveQueue(() => input.Count);
        var running = stage.Concurrency;
        for (var i = 0; i < stage.Concurrency; i++)
        {
            Spawn(async () =>
            {
                var token = Token;
                try
                {
                    // Checking the token before every item: once the run is cancelled, no new item starts.
                    while (!token.IsCancellationRequested && await input.WaitToReadAsync(token).ConfigureAwait(false))
                    {
                        while (!token.IsCancellationRequested && input.TryRead(out var item))
                        {
                            if (!await HandleAsync(stage, item, work).ConfigureAwait(false))
                                return;
                        }
                    }
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    // The run was cancelled while this worker waited for input.
                }
                finally
                {
                    if (Interlocked.Decrement(ref running) == 0)
                        whenAllEnded?.Invoke();
                }
            });
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on one item <paramref name="stage"/> has taken, counting how it ends.
    /// Returns false when the worker must stop: the run was cancelled, or the item failed (the run's fault).
    /// </summary>
    public async ValueTask<bool> HandleAsync<TItem>(StageCounters stage, TItem item, Func<TItem, CancellationToken, ValueTask> work)
    {
        stage.Received();
        try
        {
            await work(item, Token).ConfigureAwait(false);
            stage.Ended(ItemOutcome.Completed);
            return true;
        }
        catch (OperationCanceledException) when (Token.IsCancellationRequested)
        {
            stage.Ended(ItemOutcome.Cancelled);
            return false;
        }
        catch (Exception error)
        {
            stage.Ended(ItemOutcome.Failed);
            Fault(stage.Name, error);
            return false;
        }
    }

    /// <summary>
    /// Records <paramref name="error"/> as the run's fault if it is the first and the run was not cancelled
    /// already (an error after cancellation is its consequence, not its cause), then cancels the run.
    /// </summary>
    public void Fault(string stage, Exception error)
    {
        if (Token.IsCancellationRequested
            || Interlocked.CompareExchange(ref _fault, new PipelineStageException(stage, error), null) is not null)
            return;
        try
        {
            _cts.Cancel();
        }
        catch (AggregateException)
        {
            // A callback that user code registered on the run's token threw; the run ends with the first fault anyway.
        }
    }

    private async Task CompleteAsync(Activity? activity)
    {
        // Workers catch their own exceptions, so this only waits for every one of them to end.
        await Task.WhenAll(_workers).ConfigureAwait(false);
        _cts.Dispose();
        var fault = Volatile.Read(ref _fault);
        if (activity is not null)
        {
            var outcome = fault is not null ? ItemOutcome.Failed
                : _caller.IsCancellationRequested ? ItemOutcome.Cancelled : ItemOutcome.Completed;
            activity.SetTag("switchyard.outcome", outcome.Tag());
            if (fault is not null)
                activity.SetStatus(ActivityStatusCode.Error, fault.Message);
            activity.Dispose();
        }
        if (fault is not null)
            throw fault;
        // Ends the Completion task as cancelled with the caller's token.
        _caller.ThrowIfCancellationRequested();
    }
}
