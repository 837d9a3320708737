using Polly;
using Polly.Retry;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Switchyard.Samples.MessageConsumer;

/// <summary>
/// Keeps one consuming connection to the broker for as long as it runs: connects (retrying with exponential backoff
/// and jitter through Polly while the broker is unreachable), declares the queue, sets the prefetch, consumes with
/// manual acknowledgement, and when the connection drops (a broker restart) starts over.
/// </summary>
/// <remarks>
/// The client's own automatic recovery is off on purpose: a recovered channel would take acks for delivery tags of
/// the old one. Here every delivery keeps its channel, and an ack for a closed channel is dropped; the broker has
/// already put that message back, and delivers it again.
/// </remarks>
internal sealed class BrokerSession(ConsumerSettings settings, Func<Delivery, ValueTask> deliver, TextWriter log)
{
    private int _connections;

    public int Connections => Volatile.Read(ref _connections);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = settings.Broker,
            AutomaticRecoveryEnabled = false,
            ClientProvidedName = "switchyard-sample-consumer",
        };
        var reconnect = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            // Anything but a refused login is worth another try: the broker may be restarting.
            ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not (OperationCanceledException or AuthenticationFailureException)),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(200),
            MaxDelay = settings.MaxBackoff,
            OnRetry = args =>
            {
                log.WriteLine($"broker unreachable ({args.Outcome.Exception?.GetType().Name}); retrying in {args.RetryDelay.TotalSeconds:0.0} s");
                return ValueTask.CompletedTask;
            },
        }).Build();

        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await reconnect.ExecuteAsync(token => ConsumeUntilDroppedAsync(factory, token), cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    // One connection's life: returns when it drops (so the caller reconnects) or when cancelled (after closing it).
    private async ValueTask ConsumeUntilDroppedAsync(ConnectionFactory factory, CancellationToken cancellationToken)
    {
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        var dropped = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ConnectionShutdownAsync += (_, e) =>
        {
            dropped.TrySetResult(e.ReplyText);
            return Task.CompletedTask;
        };
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await OrderQueue.DeclareAsync(channel, settings.Queue, cancellationToken);
        await channel.BasicQosAsync(0, settings.Prefetch, global: false, cancellationToken);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, e) =>
            // The body's memory belongs to the client until this handler returns: copy it.
            await deliver(new Delivery(channel, e.DeliveryTag, e.Redelivered, e.Body.ToArray()));
        await channel.BasicConsumeAsync(settings.Queue, autoAck: false, consumer, cancellationToken);
        var number = Interlocked.Increment(ref _connections);
        log.WriteLine($"connected to {settings.Broker.Host}:{settings.Broker.Port} (connection {number}), consuming {settings.Queue} with prefetch {settings.Prefetch}");

        try
        {
            var reason = await dropped.Task.WaitAsync(cancellationToken);
            log.WriteLine($"connection lost ({reason}); reconnecting");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // A clean close: the broker puts back whatever is still unacknowledged.
            if (connection.IsOpen)
                await connection.CloseAsync(CancellationToken.None);
        }
    }
}
