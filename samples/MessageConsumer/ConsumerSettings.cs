namespace Switchyard.Samples.MessageConsumer;

/// <summary>How the consumer runs; every default is the command line's.</summary>
internal sealed class ConsumerSettings
{
    /// <summary>The broker. Default: amqp://guest:guest@127.0.0.1:55672/ (the node tests/rabbitmq-server.sh starts).</summary>
    public Uri Broker { get; init; } = new("amqp://guest:guest@127.0.0.1:55672/");

    /// <summary>The durable queue to consume. Default: switchyard.samples.orders.</summary>
    public string Queue { get; init; } = "switchyard.samples.orders";

    /// <summary>Where receipts are written. Default: switchyard-samples/receipts in the temporary folder.</summary>
    public string Receipts { get; init; } = Path.Combine(Path.GetTempPath(), "switchyard-samples", "receipts");

    /// <summary>How many unacknowledged messages the broker hands this consumer at once (basic.qos). Default: 64.</summary>
    public ushort Prefetch { get; init; } = 64;

    /// <summary>How many messages are processed at the same time on the Io lane. Default: 16.</summary>
    public int Concurrency { get; init; } = 16;

    /// <summary>Stop once this many different orders have been acknowledged. Default: null (run until Ctrl+C).</summary>
    public int? Count { get; init; }

    /// <summary>The longest wait between reconnection attempts (the backoff doubles up to it, with jitter). Default: 5 s.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);
}
