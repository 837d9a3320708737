using System.Text.Json;

namespace Switchyard.Samples.MessageConsumer;

/// <summary>One message on the queue: an order to book. Its id is also the AMQP message id.</summary>
internal sealed record Order(string Id, string Customer, decimal Amount)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Reads an order; its id names a receipt file, so it may hold only letters, digits, '-' and '_'.</summary>
    /// <exception cref="JsonException">The body is not an order, or its id breaks that rule.</exception>
    public static Order FromJson(ReadOnlySpan<byte> body)
    {
        var order = JsonSerializer.Deserialize<Order>(body, Json) ?? throw new JsonException("The body is JSON null, not an order.");
        if (string.IsNullOrEmpty(order.Id) || order.Id.Length > 100 || !order.Id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw new JsonException("An order's \"id\" must be 1 to 100 letters, digits, '-' or '_'.");
        return order;
    }

    /// <summary>Order number <paramref name="n"/> of a generated batch, the same every time.</summary>
    public static Order Numbered(int n) => new($"order-{n:D6}", $"customer-{n % 97:D2}", (n % 1000) + (n % 100) / 100m);
}
