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

    public override bool CanBatch => shipment.Plain;

    public override void WriteArguments(Utf8JsonWriter writer, int start, int count) =>
        JsonSerializer.Serialize(writer, chunk.Items.AsSpan(start, count).ToArray(), WireJson.Info<TIn[]>.Type);

    protected override void OnValues(int start, ReadOnlySpan<byte> array, IReadOnlySet<int> failed)
    {
        var values = JsonSerializer.Deserialize(array, WireJson.Info<TOut[]>.Type) ?? [];
        for (var p = 0; p < values.Length && start + p < Count; p++)
            if (!failed.Contains(p)) chunk.SetValue(start + p, values[p]);
    }
}
