using System.Text.Json;
using Switchyard.Processes.Protocol;
using Switchyard.Processes.Work;

namespace Switchyard.Processes.Workers;

/// <summary>One item whose result goes to a task (submit-one, a pipeline stage's item, <c>RunAsync</c>).</summary>
internal sealed class ItemJob<TIn, TOut>(Shipment<TIn> shipment, TIn argument, bool ignoreValue, CancellationToken token)
    : PoolJob(shipment.MethodId, 1, token)
{
    private readonly TaskCompletionSource<TOut> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<TOut> Result => _result.Task;

    public override void WriteArgument(Utf8JsonWriter writer, int index) => shipment.Write(writer, argument);

    protected override void OnValue(int index, ReadOnlySpan<byte> json) =>
        _result.TrySetResult(ignoreValue ? default! : JsonSerializer.Deserialize(json, WireJson.Info<TOut>.Type)!);

    protected override void OnError(int index, Exception error)
    {
        if (error is OperationCanceledException cancelled) _result.TrySetCanceled(cancelled.CancellationToken);
        else _result.TrySetException(error);
    }
}
