using System.Text.Json;
using Switchyard.Processes.Protocol;

namespace Switchyard.Processes.Work;

/// <summary>
/// A function of several arguments seen as a function of one tuple (a <c>starmap</c>). On the Process lane the
/// inner method travels and the tuple's elements go as a JSON array, one per parameter; on any other lane
/// <c>Invoke</c> just spreads the tuple.
/// </summary>
internal interface ISpread
{
    Delegate Inner { get; }
}

/// <summary>Writes a tuple as the JSON array of its elements.</summary>
internal interface ISpreadWriter<in TTuple>
{
    void Write(Utf8JsonWriter writer, TTuple arguments);
}

internal sealed class Spread<T1, T2, TOut>(Func<T1, T2, TOut> inner) : ISpread, ISpreadWriter<(T1, T2)>
{
    public Delegate Inner => inner;

    public TOut Invoke((T1, T2) arguments) => inner(arguments.Item1, arguments.Item2);

    public void Write(Utf8JsonWriter writer, (T1, T2) arguments)
    {
        writer.WriteStartArray();
        JsonSerializer.Serialize(writer, arguments.Item1, WireJson.Options);
        JsonSerializer.Serialize(writer, arguments.Item2, WireJson.Options);
        writer.WriteEndArray();
    }
}

internal sealed class Spread<T1, T2, T3, TOut>(Func<T1, T2, T3, TOut> inner) : ISpread, ISpreadWriter<(T1, T2, T3)>
{
    public Delegate Inner => inner;

    public TOut Invoke((T1, T2, T3) arguments) => inner(arguments.Item1, arguments.Item2, arguments.Item3);

    public void Write(Utf8JsonWriter writer, (T1, T2, T3) arguments)
    {
        writer.WriteStartArray();
        JsonSerializer.Serialize(writer, arguments.Item1, WireJson.Options);
        JsonSerializer.Serialize(writer, arguments.Item2, WireJson.Options);
        JsonSerializer.Serialize(writer, arguments.Item3, WireJson.Options);
        writer.WriteEndArray();
    }
}
