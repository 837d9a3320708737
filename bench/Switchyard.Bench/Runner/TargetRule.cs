using System.Globalization;

namespace Switchyard.Bench;

/// <summary>Reads a <see cref="Measurement.Target"/> ("≤ 1.15", "&gt;= 0.5") and checks a ratio against it.</summary>
internal static class TargetRule
{
    public static bool IsMet(string target, double ratio)
    {
        var text = target.Trim();
        var (op, rest) = text switch
        {
            _ when text.StartsWith("<=", StringComparison.Ordinal) => ("<=", text[2..]),
            _ when text.StartsWith(">=", StringComparison.Ordinal) => (">=", text[2..]),
            _ when text.StartsWith('≤') => ("<=", text[1..]),
            _ when text.StartsWith('≥') => (">=", text[1..]),
            _ when text.StartsWith('<') => ("<", text[1..]),
            _ when text.StartsWith('>') => (">", text[1..]),
            _ => throw new FormatException(
                $"Measurement.Target '{target}' must start with one of ≤ ≥ < > <= >= followed by a number."),
        };
        if (!double.TryParse(rest.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var limit))
            throw new FormatException($"Measurement.Target '{target}': '{rest.Trim()}' is not a number.");
        return op switch
        {
            "<=" => ratio <= limit,
            ">=" => ratio >= limit,
            "<" => ratio < limit,
            _ => ratio > limit,
        };
    }
}
