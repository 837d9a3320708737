using Switchyard.WebAssets;

namespace Switchyard.Lab.Report;

/// <summary>Writes <c>index.html</c>, <c>chart.umd.min.js</c>, <c>report.md</c> and <c>charts/*.png</c> into a folder.</summary>
internal static class ReportWriter
{
    /// <summary>Writes the report; returns why report.md has no images, or null when it has them all.</summary>
    public static async Task<string?> WriteAsync(LabReport report, string directory, string chromium, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, ChartLibrary.FileName), ChartLibrary.Script, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(directory, "index.html"), HtmlPage.Build(report, ChartLibrary.FileName, render: false), cancellationToken).ConfigureAwait(false);
        var (images, problem) = await ChartRenderer.RenderAsync(report, directory, chromium, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(directory, "report.md"), MarkdownReport.Build(report, images, problem), cancellationToken).ConfigureAwait(false);
        return problem;
    }
}
