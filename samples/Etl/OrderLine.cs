namespace Switchyard.Samples.Etl;

/// <summary>One line of the input: an order as a shop's export writes it.</summary>
public sealed record OrderLine(long Id, DateTimeOffset Ts, Customer Customer, string Currency, IReadOnlyList<OrderItem> Items);

/// <summary>The customer of an order (the e-mail is personal data: it is not loaded as it is).</summary>
public sealed record Customer(string Email, string Country);

/// <summary>One item of an order; the price is a decimal string in the order's currency.</summary>
public sealed record OrderItem(string Sku, int Qty, string Price);
