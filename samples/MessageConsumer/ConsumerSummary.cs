namespace Switchyard.Samples.MessageConsumer;

/// <summary>What a consumer run did, printed as its last line.</summary>
internal sealed record ConsumerSummary(int Orders, long Deliveries, long Redelivered, long Processed, long Acks, long Failed,
    long StaleAcks, int Connections, TimeSpan Elapsed)
{
    public override string ToString() =>
        $"done: {Orders} orders acked in {Elapsed.TotalSeconds:0.0} s ({Orders / Math.Max(Elapsed.TotalSeconds, 0.001):0} orders/s); " +
        $"{Deliveries} deliveries, {Redelivered} redelivered, {Processed} processed, {Acks} acked, {Failed} rejected, " +
        $"{StaleAcks} acks dropped with a closed channel, {Connections} connection(s)";
}
