using System.Globalization;
using System.Text;

namespace Switchyard.Server.Metrics;

/// <summary>
/// Writes the Prometheus text exposition format 0.0.4. Hand-written because no exporter package restores here
/// (prometheus-net and OpenTelemetry.Exporter.Prometheus.AspNetCore are absent from the mirror); the format is small:
/// <c># HELP</c>, <c># TYPE</c>, then <c>name{label="value"} number</c> lines.
/// </summary>
internal sealed class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new();

    public PrometheusText Family(string name, string type, string help)
    {
        _text.Append("# HELP ").Append(name).Append(' ').Append(help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
        _text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        return this;
    }

    public PrometheusText Sample(string name, IEnumerable<(string Name, string Value)> labels, double value)
    {
        _text.Append(name);
        var first = true;
        foreach (var (label, labelValue) in labels)
        {
            _text.Append(first ? '{' : ',').Append(label).Append("=\"").Append(Escape(labelValue)).Append('"');
            first = false;
        }
        if (!first) _text.Append('}');
        _text.Append(' ').Append(Number(value)).Append('\n');
        return this;
    }

    public override string ToString() => _text.ToString();

    /// <summary>A label value: backslash, double quote and line feed are escaped.</summary>
    public static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };
}
