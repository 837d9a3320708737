using System.Globalization;
using System.Text;

namespace Switchyard.Lab.Report;

/// <summary><c>report.md</c>: per experiment the claim, the verdict and why, a table of the numbers and the chart's PNG.</summary>
internal static class MarkdownReport
{
    public static string Build(LabReport report, IReadOnlySet<string> images, string? imageProblem)
    {
        var md = new StringBuilder();
        md.Append("# ").AppendLine(ReportData.Title(report)).AppendLine();
        md.AppendLine(ReportData.Summary(report)).AppendLine();
        md.AppendLine("| machine | |").AppendLine("|---|---|");
        foreach (var (key, value) in report.Machine) md.Append("| ").Append(Cell(key)).Append(" | ").Append(Cell(value)).AppendLine(" |");
        md.AppendLine();
        if (imageProblem is not null) md.Append("> ").AppendLine(imageProblem).AppendLine();

        foreach (var result in report.Results)
        {
            md.Append("## ").Append(result.Number.ToString(CultureInfo.InvariantCulture)).Append(". ").AppendLine(result.Title).AppendLine();
            md.Append("**Claim.** ").AppendLine(result.Claim).AppendLine();
            md.Append("**Verdict: ").Append(Describe(result.Verdict)).Append(".** ").AppendLine(result.Why).AppendLine();
            for (var i = 0; i < result.Charts.Count; i++)
            {
                var chart = result.Charts[i];
                var series = chart.SeriesNames.ToList();
                md.Append("| ").Append(Cell(chart.Title)).Append(" (").Append(Cell(chart.Unit)).Append(") | ").AppendJoin(" | ", series.Select(Cell)).AppendLine(" |");
                md.Append("|---|").AppendJoin("", series.Select(_ => "---:|")).AppendLine();
                foreach (var label in chart.Labels)
                    md.Append("| ").Append(Cell(label)).Append(" | ").AppendJoin(" | ", series.Select(s => Format(chart.Get(s, label)))).AppendLine(" |");
                md.AppendLine();
                var id = ReportData.ChartId(result.Number, i);
                if (images.Contains(id)) md.Append("![").Append(Cell(chart.Title)).Append("](charts/").Append(id).AppendLine(".png)").AppendLine();
            }
            foreach (var note in result.Notes) md.Append("- ").AppendLine(note);
            md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"- Ran in {result.Elapsed.TotalSeconds:0.0} s.")).AppendLine();
        }
        return md.ToString();
    }

    public static string Describe(Verdict verdict) => verdict switch
    {
        Verdict.Holds => "holds here",
        Verdict.Partly => "partly holds here",
        Verdict.DoesNotHold => "does not hold here",
        _ => "could not be measured here",
    };

    /// <summary>A number with the precision its size deserves; "–" when it was not measured.</summary>
    public static string Format(double? value) => value switch
    {
        null => "–",
        { } v when Math.Abs(v) >= 100 => v.ToString("N0", CultureInfo.InvariantCulture),
        { } v when Math.Abs(v) >= 1 => v.ToString("0.00", CultureInfo.InvariantCulture),
        { } v when Math.Abs(v) >= 0.01 => v.ToString("0.000", CultureInfo.InvariantCulture),
        { } v => v.ToString("0.####", CultureInfo.InvariantCulture),
    };

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
