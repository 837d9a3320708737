using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using RabbitMQ.Client.Exceptions;

namespace Switchyard.Samples.MessageConsumer;

/// <summary>
/// The consumer: deliveries from <see cref="BrokerSession"/> flow through a Switchyard pipeline whose processing
/// stage runs <see cref="ConsumerSettings.Concurrency"/> at a time on an Io lane (writing a receipt is I/O), and whose
/// sink acknowledges each message only after it was processed: at-least-once. The prefetch bounds how many messages
/// are anywhere in between, so memory stays flat however long the queue is.
/// </summary>
internal sealed class OrderConsumer(ConsumerSettings settings, TextWriter log)
{
    private readonly ReceiptWriter _receipts = new(settings.Receipts);
    private readonly HashSet<string> _acked = new(StringComparer.Ordinal);   // touched by the sink only (one worker)
    private readonly TaskCompletionSource _countReached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _deliveries, _redelivered, _processed, _acks, _failed, _staleAcks;

    /// <summary>Consumes until <see cref="ConsumerSettings.Count"/> different orders are acknowledged, or until cancelled.</summary>
    public async Task<ConsumerSummary> RunAsync(CancellationToken cancellationToken)
    {
        log.WriteLine($"booking orders into {_receipts.Folder}");
        var clock = Stopwatch.StartNew();
        var deliveries = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true });
        await using var io = Lane.Io(new IoLaneOptions { Name = "orders", MaxConcurrency = settings.Concurrency });

        // The pipeline ends when the delivery channel is completed and everything in it has been processed and acked.
        var run = Pipeline.From(deliveries.Reader.ReadAllAsync(CancellationToken.None))
            .Then(io, ProcessAsync, new StageOptions { Name = "process", Concurrency = settings.Concurrency })
            .Start(AcknowledgeAsync, new StageOptions { Name = "ack" }, CancellationToken.None);

        using var stopSession = new CancellationTokenSource();
        var session = new BrokerSession(settings, delivery =>
        {
            Interlocked.Increment(ref _deliveries);
            if (delivery.Redelivered) Interlocked.Increment(ref _redelivered);
            // After the stop, the channel refuses new deliveries: they stay unacknowledged and go back to the queue.
            deliveries.Writer.TryWrite(delivery);
            return ValueTask.CompletedTask;
        }, log);
        var sessionRun = session.RunAsync(stopSession.Token);

        try
        {
            // A pipeline or session that fails ends the wait too (the awaits below rethrow its error).
            await Task.WhenAny(_countReached.Task, run.Completion, sessionRun).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            log.WriteLine("stopping: finishing the messages in hand");
        }
        // Finish what is in hand while the connection is still open, so its acks reach the broker; then disconnect.
        deliveries.Writer.TryComplete();
        try
        {
            await run.Completion;
        }
        finally
        {
            await stopSession.CancelAsync();
            await sessionRun;
        }

        var summary = new ConsumerSummary(_acked.Count, Interlocked.Read(ref _deliveries), Interlocked.Read(ref _redelivered),
            Interlocked.Read(ref _processed), Interlocked.Read(ref _acks), Interlocked.Read(ref _failed),
            Interlocked.Read(ref _staleAcks), session.Connections, clock.Elapsed);
        log.WriteLine(summary);
        return summary;
    }

    private async ValueTask<ProcessedDelivery> ProcessAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        if (!delivery.Channel.IsOpen)
            return new ProcessedDelivery(delivery, Processed.Stale, null);
        Order order;
        try
        {
            order = Order.FromJson(delivery.Body);
        }
        catch (JsonException e)
        {
            log.WriteLine($"rejected a message that is not an order: {e.Message}");
            return new ProcessedDelivery(delivery, Processed.Failed, null);
        }
        try
        {
            await _receipts.WriteAsync(order, cancellationToken);
        }
        catch (IOException e)
        {
            log.WriteLine($"could not book {order.Id}: {e.Message}");
            return new ProcessedDelivery(delivery, Processed.Failed, order.Id);
        }
        Interlocked.Increment(ref _processed);
        return new ProcessedDelivery(delivery, Processed.Done, order.Id);
    }

    // The sink: one worker, so acks leave in a single file and _acked needs no lock.
    private async ValueTask AcknowledgeAsync(ProcessedDelivery item, CancellationToken cancellationToken)
    {
        var (delivery, outcome, orderId) = item;
        try
        {
            if (outcome == Processed.Stale || !delivery.Channel.IsOpen)
            {
                _staleAcks++;
                return;
            }
            if (outcome == Processed.Failed)
            {
                // Requeue a first failure; a second one is dropped (or dead-lettered, when the queue has a DLX).
                await delivery.Channel.BasicNackAsync(delivery.Tag, multiple: false, requeue: !delivery.Redelivered, cancellationToken);
                Interlocked.Increment(ref _failed);
                return;
            }
            await delivery.Channel.BasicAckAsync(delivery.Tag, multiple: false, cancellationToken);
        }
        catch (OperationInterruptedException)
        {
            _staleAcks++;   // the channel closed between the check and the ack: the broker redelivers the message
            return;
        }
        Interlocked.Increment(ref _acks);
        if (!_acked.Add(orderId!))
            return;   // a redelivered duplicate, processed again: harmless, receipts are idempotent
        var every = settings.Count is int count ? Math.Max(1, count / 10) : 100;
        if (_acked.Count % every == 0 || _acked.Count == settings.Count)
            log.WriteLine(settings.Count is int total ? $"acked {_acked.Count}/{total}" : $"acked {_acked.Count}");
        if (_acked.Count >= settings.Count)
            _countReached.TrySetResult();
    }
}
