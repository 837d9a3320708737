using System.Threading.Channels;

namespace Switchyard;

/// <summary>
/// An immutable pipeline definition whose last stage produces <typeparamref name="T"/>: a source, then stages
/// (each with its lane, concurrency and bounded input channel), then, when started, a sink.
/// Build it with <see cref="Pipeline.From{T}(IEnumerable{T})"/> and <c>Then</c>; each call returns a new definition,
/// so one definition can be started many times.
/// </summary>
/// <remarks>
/// <para>Each stage has <see cref="StageOptions.Concurrency"/> workers that take items from its input channel,
/// run the body on the stage's lane, and write the result into the next stage's channel. Items leave a stage
/// in the order they finish (a stage with one worker keeps their order), or in the order they came with
/// <see cref="StageOptions.Ordered"/>.</para>
/// <para><b>Memory bound.</b> A full channel makes its writers wait, so a slow stage holds back everything
/// before it. Items pulled from the source and not yet consumed by the sink never exceed
/// <c>1 + Σ (Capacity + Concurrency)</c> over every stage and the sink: at most one item in the source's hand,
/// <c>Capacity</c> in each input channel and one per worker (running its body, or waiting for room downstream).</para>
/// <para><b>Completion and faults.</b> When the source ends, each stage completes its output once all its
/// workers have ended, and the run completes when the sink has consumed everything. The first exception (a
/// source pull, a stage body or the sink) cancels the run's token, which every body receives; no new item
/// starts afterwards, and the run ends with a <see cref="PipelineStageException"/> naming the stage.</para>
/// </remarks>
/// <typeparam name="T">The type of the items the last stage produces.</typeparam>
public sealed class Pipeline<T>
{
    private const string SinkName = "sink";
    private readonly string[] _stages;
    private readonly Func<PipelineRunContext, int, ChannelReader<T>> _wire;

    /// <param name="stages">The names of the stages so far, the source first.</param>
    /// <param name="wire">Starts those stages in a run, with the given capacity for the channel they write to, and returns its reader.</param>
    internal Pipeline(string[] stages, Func<PipelineRunContext, int, ChannelReader<T>> wire)
    {
        _stages = stages;
        _wire = wire;
    }

    /// <summary>Adds a stage whose synchronous <paramref name="body"/> runs on <paramref name="lane"/>'s threads.</summary>
    /// <exception cref="ArgumentException">An option breaks its rule (the message names it).</exception>
    public Pipeline<TOut> Then<TOut>(Lane lane, Func<T, TOut> body, StageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(lane);
        ArgumentNullException.ThrowIfNull(body);
        return Then(lane, (item, token) => lane.RunItemAsync(body, item, token), options);
    }

    /// <summary>Adds a stage whose asynchronous <paramref name="body"/> runs on <paramref name="lane"/> and receives the run's token.</summary>
    /// <exception cref="ArgumentException">An option breaks its rule (the message names it).</exception>
    public Pipeline<TOut> Then<TOut>(Lane lane, Func<T, CancellationToken, ValueTask<TOut>> body, StageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(lane);
        ArgumentNullException.ThrowIfNull(body);
        return Then(lane, (item, token) => lane.RunItemAsync(body, item, token), options);
    }

    /// <summary>
    /// Starts a run whose sink, <paramref name="sink"/>, consumes every item on one worker (in the order the
    /// last stage produced them), on the run's own worker task rather than a lane.
    /// </summary>
    public PipelineRun Start(Func<T, CancellationToken, ValueTask> sink, CancellationToken cancellationToken = default) =>
        Start(null, sink, null, cancellationToken);

    /// <summary>Starts a run whose sink runs on the run's own workers, with its own <paramref name="options"/> (name <c>sink</c> by default).</summary>
    /// <exception cref="ArgumentException">An option breaks its rule (the message names it).</exception>
    public PipelineRun Start(Func<T, CancellationToken, ValueTask> sink, StageOptions? options, CancellationToken cancellationToken = default) =>
        Start(null, sink, options, cancellationToken);

    /// <summary>
    /// Starts a run whose sink runs on <paramref name="lane"/> (or on the run's own workers when it is
    /// <see langword="null"/>), with its own <paramref name="options"/> (name <c>sink</c> by default).
    /// </summary>
    /// <exception cref="ArgumentException">An option breaks its rule (the message names it).</exception>
    public PipelineRun Start(Lane? lane, Func<T, CancellationToken, ValueTask> sink, StageOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var spec = StageSpec.Resolve(options, SinkName, _stages);
        if (spec.Ordered)
            throw new ArgumentException("StageOptions.Ordered applies to steps only: the sink hands nothing on.", nameof(options));
        Func<T, CancellationToken, ValueTask> consume = lane is null
            ? sink
            : (item, token) => new ValueTask(lane.RunAsync(ct => sink(item, ct), token));
        var run = PipelineRunContext.Start([.. _stages, spec.Name], run =>
        {
            var input = _wire(run, spec.Capacity);
            run.StartWorkers(run.AddStage(spec, lane), input, consume, whenAllEnded: null);
        }, cancellationToken);
        return new PipelineRun(run);
    }

    /// <summary>Runs the pipeline into <paramref name="sink"/> (one worker, no lane) and returns its <see cref="PipelineRun.Completion"/>.</summary>
    public Task RunAsync(Func<T, CancellationToken, ValueTask> sink, CancellationToken cancellationToken = default) =>
        Start(sink, cancellationToken).Completion;

    private Pipeline<TOut> Then<TOut>(Lane lane, Func<T, CancellationToken, Task<TOut>> run, StageOptions? options)
    {
        var spec = StageSpec.Resolve(options, $"stage{_stages.Length}", _stages);
        var upstream = _wire;
        return new Pipeline<TOut>([.. _stages, spec.Name], (context, capacity) =>
        {
            var input = upstream(context, spec.Capacity);
            var output = PipelineChannel.Create<TOut>(capacity);
            var stage = context.AddStage(spec, lane);
            void Complete() => output.Writer.TryComplete();
            if (!spec.Ordered)
            {
                context.StartWorkers(stage, input,
                    async (item, token) => await output.Writer.WriteAsync(await run(item, token).ConfigureAwait(false), token).ConfigureAwait(false),
                    Complete);
                return output.Reader;
            }
            var handoff = new OrderedHandoff<T>(input);
            context.StartWorkers(stage, handoff, async (entry, token) =>
            {
                var result = await run(entry.Item, token).ConfigureAwait(false);
                await handoff.WaitTurnAsync(entry.Sequence, token).ConfigureAwait(false);
                await output.Writer.WriteAsync(result, token).ConfigureAwait(false);
                handoff.Pass(entry.Sequence);
            }, Complete);
            return output.Reader;
        });
    }
}
