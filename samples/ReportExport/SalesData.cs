namespace Switchyard.Samples.ReportExport;

/// <summary>One generated sale.</summary>
internal readonly record struct Sale(string Region, string Product, int Month, long AmountCents);

/// <summary>
/// The data the reports summarise: sales generated from a seed, row by row. Each row is a pure function of (seed, index)
/// (SplitMix64, a counter-based generator, written here because System.Random can only be read in order), so any chunk
/// of rows can be made on its own, on any thread, and always comes out the same.
/// </summary>
internal static class SalesData
{
    public static readonly string[] Regions = ["north", "south", "east", "west", "central"];
    public static readonly string[] Products = ["anvil", "bolt", "crate", "drill", "easel", "flask", "gauge", "hinge"];

    public static Sale Row(int seed, long index)
    {
        var bits = Mix((ulong)seed << 40 ^ (ulong)index);
        return new Sale(
            Regions[(int)(bits % (ulong)Regions.Length)],
            Products[(int)((bits >> 8) % (ulong)Products.Length)],
            1 + (int)((bits >> 16) % 12),
            100 + (long)((bits >> 24) % 99_900));   // 1.00 to 999.99
    }

    public static IEnumerable<Sale> Rows(int seed, long from, long to)
    {
        for (var i = from; i < to; i++) yield return Row(seed, i);
    }

    private static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EB;
        return x ^ (x >> 31);
    }
}
