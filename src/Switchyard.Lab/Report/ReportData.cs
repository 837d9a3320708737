using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchyard.Lab.Report;

/// <summary>The report as the page's script reads it (the JSON in <c>#lab-data</c>).</summary>
internal static class ReportData
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        // The default encoder escapes <, > and & (and non-ASCII), so the JSON cannot close its <script> element.
    };

    /// <summary>The id of chart <paramref name="index"/> of experiment <paramref name="number"/>: e3, e8-2 ...; also its PNG's name.</summary>
    public static string ChartId(int number, int index) =>
        index == 0 ? string.Create(CultureInfo.InvariantCulture, $"e{number}") : string.Create(CultureInfo.InvariantCulture, $"e{number}-{index + 1}");

    public static string Title(LabReport report) =>
        string.Create(CultureInfo.InvariantCulture, $"Switchyard lab, {report.Started:yyyy-MM-dd HH:mm} UTC{(report.Quick ? " (quick run)" : "")}");

    public static string Summary(LabReport report)
    {
        var holds = report.Results.Count(r => r.Verdict == Verdict.Holds);
        var partly = report.Results.Count(r => r.Verdict == Verdict.Partly);
        var not = report.Results.Count(r => r.Verdict == Verdict.DoesNotHold);
        var failed = report.Results.Count(r => r.Verdict == Verdict.Failed);
        return string.Create(CultureInfo.InvariantCulture,
            $"{report.Results.Count} experiment(s) in {report.Elapsed.TotalSeconds:0} s: {holds} claim(s) hold here, {partly} partly, {not} do not{(failed > 0 ? $", {failed} could not be measured" : "")}." +
            $"{(report.Quick ? " Quick run: smaller workloads, figures not for the record." : "")}");
    }

    public static string ToJson(LabReport report) => JsonSerializer.Serialize(new
    {
        title = Title(report),
        summary = Summary(report),
        machine = report.Machine.Select(m => new[] { m.Key, m.Value }),
        experiments = report.Results.Select(r => new
        {
            number = r.Number,
            title = r.Title,
            claim = r.Claim,
            verdict = r.Verdict.ToString(),
            why = r.Why,
            notes = r.Notes,
            seconds = r.Elapsed.TotalSeconds,
            charts = r.Charts.Select((c, i) => new
            {
                id = ChartId(r.Number, i),
                title = c.Title,
                unit = c.Unit,
                log = c.LogScale,
                line = c.Line,
                labels = c.Labels,
                series = c.SeriesNames.Select(s => new { name = s, values = c.Values(s) }),
            }),
        }),
    }, Options);
}
