using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchyard.Bench;

/// <summary>The <c>--json</c> output: one object per figure, exactly the fields the issue names.</summary>
internal static class BenchJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        // Figure names hold "×"; stdout is not HTML, so it is written as itself rather than \u00D7.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static async Task WriteAsync(IEnumerable<Measurement> measurements, TextWriter output,
        CancellationToken cancellationToken)
    {
        var figures = measurements.Select(m => new Figure(m.Suite, m.Name, m.Value, m.Unit,
            m.Better == Better.Lower ? "lower" : "higher", m.Baseline, m.BaselineValue, m.Ratio)).ToList();
        await output.WriteLineAsync(JsonSerializer.Serialize(figures, Options).AsMemory(), cancellationToken)
            .ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private sealed record Figure(
        [property: JsonPropertyName("suite")] string Suite,
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("value")] double Value,
        [property: JsonPropertyName("unit")] string Unit,
        [property: JsonPropertyName("better")] string Better,
        [property: JsonPropertyName("baseline")] string Baseline,
        [property: JsonPropertyName("baseline_value")] double? BaselineValue,
        [property: JsonPropertyName("ratio")] double? Ratio);
}
