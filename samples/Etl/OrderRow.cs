namespace Switchyard.Samples.Etl;

/// <summary>One row of the <c>orders</c> table: an order cleaned, pseudonymised and priced in euros.</summary>
/// <param name="Id">The order's id.</param>
/// <param name="Day">The order's UTC date, <c>yyyy-MM-dd</c>.</param>
/// <param name="Country">The customer's country code, upper case.</param>
/// <param name="Customer">SHA-256 (hex) of the customer's e-mail, trimmed and lower-cased.</param>
/// <param name="Items">How many units the order has (Σ qty).</param>
/// <param name="TotalCents">The order's total in its own currency's cents.</param>
/// <param name="Currency">The order's currency (ISO 4217).</param>
/// <param name="TotalEurCents">The total in euro cents at the sample's fixed rates, rounded half to even.</param>
public sealed record OrderRow(long Id, string Day, string Country, string Customer, int Items, long TotalCents, string Currency, long TotalEurCents);

/// <summary>A transformed batch, with the microseconds the transform spent on it (measured where it ran).</summary>
public sealed record TransformedBatch(OrderRow[] Rows, long BusyMicroseconds);
