using System.Globalization;

namespace Switchyard.Cli.Run;

/// <summary>
/// GNU parallel's <c>--halt now|soon,fail=N|P%</c>: after N failed jobs (or when P% of the finished jobs
/// failed, counted from the 3rd finished job on) stop starting jobs; <c>now</c> also kills the running ones.
/// </summary>
internal sealed record HaltPolicy(bool Now, int? FailCount, double? FailPercent)
{
    public static readonly HaltPolicy Never = new(false, null, null);

    public bool ShouldHalt(long failed, long finished) =>
        (FailCount is { } n && failed >= n) ||
        (FailPercent is { } p && finished >= 3 && failed * 100.0 >= p * finished);

    public static HaltPolicy Parse(string? text)
    {
        if (string.IsNullOrEmpty(text) || text == "never") return Never;
        var parts = text.Split(',', 2);
        var now = parts[0] switch
        {
            "now" => true,
            "soon" => false,
            _ => throw Bad(text),
        };
        if (parts.Length != 2 || !parts[1].StartsWith("fail=", StringComparison.Ordinal)) throw Bad(text);
        var value = parts[1]["fail=".Length..];
        if (value.EndsWith('%'))
        {
            if (!double.TryParse(value[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var p) || p <= 0 || p > 100) throw Bad(text);
            return new HaltPolicy(now, null, p);
        }
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1) throw Bad(text);
        return new HaltPolicy(now, n, null);
    }

    private static RunInputException Bad(string text) =>
        new($"--halt must be never, now,fail=N, soon,fail=N, now,fail=P% or soon,fail=P% with N ≥ 1 and 0 < P ≤ 100 (was '{text}')");
}
