using System.Globalization;
using System.Text.Json;
using RabbitMQ.Client;
using Switchyard.Samples.MessageConsumer;
using Switchyard.Testing;

namespace Switchyard.Samples.Tests.MessageConsumer;

/// <summary>
/// Sample 4 end to end: the consumer program against the real broker test.sh starts. One class (one xunit collection),
/// so the broker restart here disturbs no other test.
/// </summary>
public sealed class MessageConsumerTests : IAsyncLifetime
{
    // Every wait is bounded, and together they stay under test.sh's hang timeout (6 min) even when each runs out.
    private static readonly TimeSpan Finish = TimeSpan.FromMinutes(2);
    private readonly string _queue = "switchyard.test." + Guid.NewGuid().ToString("N")[..12];
    private readonly string _receipts = Path.Combine(Path.GetTempPath(), "switchyard-receipts-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task Every_order_is_booked_and_acked_across_a_broker_restart()
    {
        await OrderPublisher.PublishAsync(Broker.Uri, _queue, Orders(1, 3000));
        using var consumer = StartConsumer(count: 4000);

        // Mid-way: once acks flow, restart the broker under the consumer.
        await consumer.WaitForLineAsync(line => line.StartsWith("acked ", StringComparison.Ordinal));
        await Broker.RestartAsync().Within(Finish);
        await consumer.WaitForLineAsync(line => line.Contains("(connection 2)", StringComparison.Ordinal), TimeSpan.FromMinutes(1));
        // Orders published after the restart reach the reconnected consumer too.
        await OrderPublisher.PublishAsync(Broker.Uri, _queue, Orders(3001, 1000));

        Assert.True(await consumer.ExitCodeAsync(Finish) == 0, consumer.Output);
        Assert.Contains("connection lost", consumer.Output, StringComparison.Ordinal);
        Assert.Contains("done: 4000 orders acked", consumer.Output, StringComparison.Ordinal);
        AssertBooked(1, 4000);
        // Nothing left behind: every message was acknowledged (an unacked one would be back in the queue now).
        Assert.Equal(0u, await MessagesInQueueAsync());
    }

    [Fact]
    public async Task A_killed_consumer_acked_only_what_it_had_booked()
    {
        const int total = 2000;
        await OrderPublisher.PublishAsync(Broker.Uri, _queue, Orders(1, total));
        using (var consumer = StartConsumer(count: total))
        {
            await consumer.WaitForLineAsync(line => line.StartsWith("acked ", StringComparison.Ordinal));
            consumer.KillHard();
        }

        // At-least-once: every order is booked or still queued (the broker requeued what was in hand, unacked).
        var left = await MessagesInQueueAsync();
        var booked = Directory.GetFiles(_receipts, "*.json").Length;
        Assert.True(booked + left >= total, $"{booked} booked + {left} queued < {total}: an order was acked before it was booked");

        // A new consumer books the rest (there is a rest unless the first one finished before the kill reached it).
        if (left > 0)
        {
            using var rest = StartConsumer(count: (int)left);
            Assert.True(await rest.ExitCodeAsync(Finish) == 0, rest.Output);
        }
        AssertBooked(1, total, killed: true);
        Assert.Equal(0u, await MessagesInQueueAsync());
    }

    [Fact]
    public async Task Bad_options_are_refused_with_the_option_named()
    {
        using var consumer = SampleProcess.Start("MessageConsumer", "Switchyard.Samples.MessageConsumer", "--prefetch", "0", "--broker", Broker.Uri.ToString(), "--receipts", _receipts);
        Assert.True(await consumer.ExitCodeAsync(Finish) == 1, consumer.Output);
        Assert.Contains("--prefetch must be 1 to 65535", consumer.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_receipts));
    }

    private SampleProcess StartConsumer(int count) => SampleProcess.Start("MessageConsumer", "Switchyard.Samples.MessageConsumer",
        "--broker", Broker.Uri.ToString(), "--queue", _queue, "--receipts", _receipts,
        "--count", count.ToString(CultureInfo.InvariantCulture), "--prefetch", "32", "--concurrency", "8");

    private static IEnumerable<Order> Orders(int first, int count) => Enumerable.Range(first, count).Select(Order.Numbered);

    // Exactly the orders first..last have a receipt, each whole and right. A consumer killed mid-write may leave a
    // temporary file beside them (never a half receipt); one that ran to its end leaves none.
    private void AssertBooked(int first, int last, bool killed = false)
    {
        var temporaries = Directory.GetFiles(_receipts, "*.tmp");
        if (!killed) Assert.Empty(temporaries);
        var files = Directory.GetFiles(_receipts, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        var expected = Enumerable.Range(first, last - first + 1).Select(n => Order.Numbered(n).Id + ".json").ToArray();
        Assert.Equal(expected, files);
        foreach (var n in new[] { first, (first + last) / 2, last })
        {
            var order = Order.Numbered(n);
            using var receipt = JsonDocument.Parse(File.ReadAllText(Path.Combine(_receipts, order.Id + ".json")));
            Assert.Equal(order.Id, receipt.RootElement.GetProperty("id").GetString());
            Assert.Equal(order.Amount, receipt.RootElement.GetProperty("amount").GetDecimal());
            Assert.Equal("booked", receipt.RootElement.GetProperty("status").GetString());
        }
    }

    // Once the broker has seen the consumer go (a killed one's socket closes with it), its unacked messages are back.
    private async Task<uint> MessagesInQueueAsync()
    {
        await using var connection = await new ConnectionFactory { Uri = Broker.Uri }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var deadline = DateTime.UtcNow + Switchyard.Testing.Signal.Patience;
        while (true)
        {
            var queue = await channel.QueueDeclarePassiveAsync(_queue);
            if (queue.ConsumerCount == 0) return queue.MessageCount;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{_queue} still has {queue.ConsumerCount} consumer(s).");
            await Task.Yield();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (Directory.Exists(_receipts)) Directory.Delete(_receipts, recursive: true);
        try
        {
            await using var connection = await new ConnectionFactory { Uri = Broker.Uri }.CreateConnectionAsync();
            await using var channel = await connection.CreateChannelAsync();
            await channel.QueueDeleteAsync(_queue);
        }
        catch (InvalidOperationException)
        {
            // No SWITCHYARD_TEST_RABBITMQ: the test itself has already failed saying so.
        }
    }
}
