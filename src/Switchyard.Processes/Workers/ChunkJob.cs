using System.Text.Json;
using Switchyard.Map;
using Switchyard.Processes.Protocol;
using Switchyard.Processes.Work;

namespace Switchyard.Processes.Workers;

/// <summary>A chunk of a map: its items travel together and their results land in the chunk.</summary>
internal sealed class ChunkJob<TIn, TOut>(MapChunk<TIn, TOut> chunk, Shipment<TIn> shipment, CancellationToken token)
    : PoolJob(shipment.MethodId, chunk.Count, token)
{
    public override void WriteArgument(Utf8JsonWriter writer, int index) => shipment.Write(writer, chunk.Items[index]);

    protected override void OnValue(int index, ReadOnlySpan<byte> json) =>
        chunk.SetValue(index, JsonSerializer.Deserialize(json, WireJson.Info<TOut>.Type)!);

    protected override void OnError(int index, Exception error) => chunk.SetError(index, error);
}
