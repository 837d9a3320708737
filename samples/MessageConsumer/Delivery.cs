using RabbitMQ.Client;

namespace Switchyard.Samples.MessageConsumer;

/// <summary>
/// A message as delivered, with the channel it came on: a delivery tag means something only on its own channel,
/// so the ack must go back there (and is dropped when that channel has closed: the broker requeues the message).
/// </summary>
internal sealed record Delivery(IChannel Channel, ulong Tag, bool Redelivered, byte[] Body);

/// <summary>What processing a delivery came to.</summary>
internal enum Processed
{
    /// <summary>Done: acknowledge it.</summary>
    Done,
    /// <summary>Failed: reject it (requeued once, then dropped or dead-lettered).</summary>
    Failed,
    /// <summary>Not processed: its channel closed before it started, and the broker delivers it again.</summary>
    Stale,
}

/// <summary>A delivery and what processing came to.</summary>
internal sealed record ProcessedDelivery(Delivery Delivery, Processed Outcome, string? OrderId);
