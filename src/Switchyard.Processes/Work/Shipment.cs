using System.Text.Json;
using Switchyard.Processes.Protocol;
using Switchyard.Processes.Workers;

namespace Switchyard.Processes.Work;

/// <summary>What travels for a body over items of <typeparamref name="TIn"/>: the method's identity and how to write one argument.</summary>
internal sealed class Shipment<TIn>
{
    private readonly ISpreadWriter<TIn>? _spread;

    private Shipment(int methodId, ISpreadWriter<TIn>? spread)
    {
        MethodId = methodId;
        _spread = spread;
    }

    /// <summary>The method's id in the pool (its identity is sent once per worker).</summary>
    public int MethodId { get; }

    /// <summary>True when an argument is written as itself (not spread over several parameters).</summary>
    public bool Plain => _spread is null;

    /// <summary>Identifies <paramref name="body"/>, seeing through a <see cref="Spread{T1,T2,TOut}"/>.</summary>
    /// <exception cref="ArgumentException">The body cannot travel (a closure, an instance method...).</exception>
    public static Shipment<TIn> Of(Delegate body, string parameter, WorkerPool pool) => body.Target is ISpread spread
        ? new Shipment<TIn>(pool.MethodId(WorkIdentity.Of(spread.Inner, parameter)), spread as ISpreadWriter<TIn>)
        : new Shipment<TIn>(pool.MethodId(WorkIdentity.Of(body, parameter)), null);

    public void Write(Utf8JsonWriter writer, TIn argument)
    {
        if (_spread is not null) _spread.Write(writer, argument);
        else JsonSerializer.Serialize(writer, argument, WireJson.Info<TIn>.Type);
    }
}
