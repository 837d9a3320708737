using RabbitMQ.Client;

namespace Switchyard.Samples.MessageConsumer;

/// <summary>Publishes orders as persistent messages to the durable queue; returns once the broker has confirmed every one.</summary>
internal static class OrderPublisher
{
    public static async Task PublishAsync(Uri broker, string queue, IEnumerable<Order> orders, CancellationToken cancellationToken = default)
    {
        var factory = new ConnectionFactory { Uri = broker, ClientProvidedName = "switchyard-sample-publisher" };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        // With confirmations tracked, each BasicPublishAsync completes once the broker has taken the message (for a
        // persistent message on a durable queue: written to disk); up to a batch of them are awaited together.
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            cancellationToken);
        await OrderQueue.DeclareAsync(channel, queue, cancellationToken);
        foreach (var batch in orders.Chunk(256))
        {
            await Task.WhenAll(batch.Select(order => channel.BasicPublishAsync("", queue, mandatory: true,
                new BasicProperties { Persistent = true, MessageId = order.Id, ContentType = "application/json" },
                order.ToJson(), cancellationToken).AsTask()));
        }
        await channel.CloseAsync(cancellationToken);
        await connection.CloseAsync(cancellationToken);
    }
}
