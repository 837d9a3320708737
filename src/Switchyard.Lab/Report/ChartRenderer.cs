using System.Text.RegularExpressions;
using Switchyard.Processes.Children;
using Switchyard.WebAssets;

namespace Switchyard.Lab.Report;

/// <summary>
/// Renders every chart to a PNG with headless Chromium, the same Chart.js code as the HTML page: one browser run
/// loads a page that draws each chart and prints it as a PNG data URL into the DOM, which <c>--dump-dom</c> returns.
/// </summary>
internal static partial class ChartRenderer
{
    /// <summary>How long the browser may take. Default: 2 minutes (a loaded 2-core machine starts Chromium slowly).</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Writes <c>charts/ID.png</c> under <paramref name="directory"/> for every chart; returns the ids written, or
    /// an empty set and the reason when Chromium is missing or failed.
    /// </summary>
    public static async Task<(IReadOnlySet<string> Written, string? Problem)> RenderAsync(LabReport report, string directory, string chromium,
        CancellationToken cancellationToken)
    {
        if (!File.Exists(chromium)) return (new HashSet<string>(), $"{chromium} not found: report.md has no chart images (index.html draws them).");
        var work = Path.Combine(Path.GetTempPath(), $"switchyard-lab-render-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(work, ChartLibrary.FileName), ChartLibrary.Script, cancellationToken).ConfigureAwait(false);
            var page = Path.Combine(work, "render.html");
            await File.WriteAllTextAsync(page, HtmlPage.Build(report, ChartLibrary.FileName, render: true), cancellationToken).ConfigureAwait(false);
            var (dom, problem) = await DumpDomAsync(chromium, page, Path.Combine(work, "profile"), cancellationToken).ConfigureAwait(false);
            if (dom is null) return (new HashSet<string>(), problem);

            var charts = Path.Combine(directory, "charts");
            Directory.CreateDirectory(charts);
            var written = new HashSet<string>();
            foreach (Match match in PngPattern().Matches(dom))
            {
                var id = match.Groups["id"].Value;
                await File.WriteAllBytesAsync(Path.Combine(charts, id + ".png"), Convert.FromBase64String(match.Groups["png"].Value), cancellationToken).ConfigureAwait(false);
                written.Add(id);
            }
            return (written, written.Count == 0 ? "Chromium drew no chart: report.md has no chart images (index.html draws them)." : null);
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); }
            catch (IOException) { /* a temp folder left behind is harmless */ }
            catch (UnauthorizedAccessException) { /* likewise */ }
        }
    }

    private static async Task<(string? Dom, string? Problem)> DumpDomAsync(string chromium, string page, string profile, CancellationToken cancellationToken)
    {
        string[] arguments =
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--allow-file-access-from-files",
            $"--user-data-dir={profile}", "--dump-dom", new Uri(page).AbsoluteUri,
        ];
        var run = await ChildProcess.RunAsync(chromium, arguments, Limit, cancellationToken).ConfigureAwait(false);
        if (!run.Started) return (null, $"{chromium} could not start ({run.Error}): report.md has no chart images.");
        if (run.TimedOut) return (null, $"Chromium took longer than {Limit.TotalMinutes:0} minutes and was stopped: report.md has no chart images.");
        return run.ExitCode == 0
            ? (run.Output, null)
            : (null, $"Chromium exited with {run.ExitCode} ({run.LastErrorLine}): report.md has no chart images.");
    }

    [GeneratedRegex("<pre id=\"png-(?<id>e[0-9]+(?:-[0-9]+)?)\">data:image/png;base64,(?<png>[A-Za-z0-9+/=]+)</pre>")]
    private static partial Regex PngPattern();
}
