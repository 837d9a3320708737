using System.Threading.Channels;

namespace Switchyard;

/// <summary>
/// The source pump, the first stage of every run: one worker pulls the enumerable and writes each item
/// into the first stage's channel. It pulls the next item only after the last one found room, so it
/// holds at most one item the channels do not.
/// </summary>
internal static class PipelineSource
{
    public static ChannelReader<T> Start<T>(PipelineRunContext run, IAsyncEnumerable<T> source, int capacity)
    {
        var channel = PipelineChannel.Create<T>(capacity);
        var stage = run.AddStage(StageSpec.Source, lane: null);
        Func<T, CancellationToken, ValueTask> forward = channel.Writer.WriteAsync;
        run.Spawn(async () =>
        {
            var token = run.Token;
            try
            {
                var items = source.GetAsyncEnumerator(token);
                await using (items.ConfigureAwait(false))
                {
                    while (!token.IsCancellationRequested
                           && await items.MoveNextAsync().ConfigureAwait(false)
                           && await run.HandleAsync(stage, items.Current, forward).ConfigureAwait(false))
                    {
                    }
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // The run was cancelled while the source was producing its next item.
            }
            catch (Exception error)
            {
                // Pulling the next item (or disposing the enumerator) threw: the source's fault.
                stage.FailedWithoutItem();
                run.Fault(stage.Name, error);
            }
            finally
            {
                channel.Writer.TryComplete();
            }
        });
        return channel.Reader;
    }
}
