using RabbitMQ.Client;

namespace Switchyard.Samples.MessageConsumer;

/// <summary>The queue's one declaration, shared by the publisher and the consumer.</summary>
internal static class OrderQueue
{
    /// <summary>Declares the queue durable (it and its persistent messages survive a broker restart); a no-op when it exists.</summary>
    public static Task<QueueDeclareOk> DeclareAsync(IChannel channel, string queue, CancellationToken cancellationToken) =>
        channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: null,
            cancellationToken: cancellationToken);
}
