using System.Globalization;
using System.Text.Json;

namespace Switchyard.Samples.Etl;

/// <summary>Writes a deterministic JSON-lines file of orders (the same seed gives the same bytes).</summary>
public static class OrderGenerator
{
    private static readonly string[] Countries = ["de", "fr", "nl", "us", "gb", "jp", "ch", "it", "es", "pl"];
    private static readonly string[] Currencies = ["EUR", "USD", "GBP", "JPY", "CHF"];

    /// <summary>Writes <paramref name="rows"/> orders, ids 1…rows, to a new file at <paramref name="path"/>, on a pool thread.</summary>
    public static Task WriteAsync(string path, int rows, int seed = 42, CancellationToken cancellationToken = default) =>
        Task.Run(() => Write(path, rows, seed, cancellationToken), cancellationToken);

    /// <summary>Writes <paramref name="rows"/> orders, ids 1…rows, to a new file at <paramref name="path"/>.</summary>
    public static void Write(string path, int rows, int seed = 42, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 0);
        var random = new Random(seed);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        using var json = new Utf8JsonWriter(file);
        for (var id = 1L; id <= rows; id++)
        {
            json.WriteStartObject();
            json.WriteNumber("id", id);
            json.WriteString("ts", start.AddSeconds(random.Next(0, 365 * 24 * 3600)));
            json.WriteStartObject("customer");
            json.WriteString("email", $"  Customer.{random.Next(1, 50_000)}@Example.COM ");
            json.WriteString("country", Countries[random.Next(Countries.Length)]);
            json.WriteEndObject();
            json.WriteString("currency", Currencies[random.Next(Currencies.Length)]);
            json.WriteStartArray("items");
            for (var n = random.Next(1, 6); n > 0; n--)
            {
                json.WriteStartObject();
                json.WriteString("sku", $"SKU-{random.Next(1, 10_000):D5}");
                json.WriteNumber("qty", random.Next(1, 10));
                json.WriteString("price", (random.Next(50, 100_000) / 100m).ToString("0.00", CultureInfo.InvariantCulture));
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
            cancellationToken.ThrowIfCancellationRequested();
            json.Flush();
            file.WriteByte((byte)'\n');
            json.Reset();
        }
    }
}
