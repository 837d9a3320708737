using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Switchyard.Samples.Etl;

/// <summary>
/// The CPU-bound step: parse each JSON line, pseudonymise the e-mail (SHA-256), total the items, price in euros.
/// A static method with one argument, so the same code runs on the Cpu lane and in the Process lane's workers.
/// </summary>
public static class OrderTransform
{
    /// <summary>Euros per unit of each currency the input may use (fixed, so the output is reproducible).</summary>
    public static IReadOnlyDictionary<string, decimal> EurPerUnit { get; } = new Dictionary<string, decimal>(StringComparer.Ordinal)
    {
        ["EUR"] = 1m, ["USD"] = 0.92m, ["GBP"] = 1.17m, ["JPY"] = 0.0062m, ["CHF"] = 1.05m,
    };

    /// <summary>Transforms a batch of lines; a line that is not a valid order throws <see cref="FormatException"/> naming it.</summary>
    public static TransformedBatch TransformBatch(string[] lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var start = Stopwatch.GetTimestamp();
        var rows = new OrderRow[lines.Length];
        for (var i = 0; i < lines.Length; i++) rows[i] = Transform(lines[i]);
        return new TransformedBatch(rows, (long)Stopwatch.GetElapsedTime(start).TotalMicroseconds);
    }

    /// <summary>Transforms one line.</summary>
    public static OrderRow Transform(string line)
    {
        OrderLine? order;
        try
        {
            order = JsonSerializer.Deserialize(line, EtlJson.Default.OrderLine);
        }
        catch (JsonException e)
        {
            throw new FormatException($"Not an order: {e.Message} in line '{Shorten(line)}'.", e);
        }
        if (order is null || order.Customer is null || order.Items is null || order.Currency is null)
            throw new FormatException($"An order needs id, ts, customer, currency and items: '{Shorten(line)}'.");
        if (!EurPerUnit.TryGetValue(order.Currency, out var rate))
            throw new FormatException($"Order {order.Id}: currency '{order.Currency}' is not one of {string.Join(", ", EurPerUnit.Keys)}.");
        long cents = 0;
        var units = 0;
        foreach (var item in order.Items)
        {
            if (!decimal.TryParse(item.Price, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var price))
                throw new FormatException($"Order {order.Id}: price '{item.Price}' of {item.Sku} is not a decimal number.");
            cents += item.Qty * (long)(price * 100m);
            units += item.Qty;
        }
        var eurCents = (long)Math.Round(cents * rate, MidpointRounding.ToEven);
        return new OrderRow(order.Id, order.Ts.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            order.Customer.Country.ToUpperInvariant(), Pseudonym(order.Customer.Email), units, cents, order.Currency, eurCents);
    }

    /// <summary>The value loaded in place of an e-mail: SHA-256 (lower-case hex) of it trimmed and lower-cased.</summary>
    public static string Pseudonym(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(email.Trim().ToLowerInvariant()), hash);
        return Convert.ToHexStringLower(hash);
    }

    private static string Shorten(string line) => line.Length <= 80 ? line : line[..80] + "…";
}
