using System.Net;
using System.Text;

namespace Switchyard.Lab.Report;

/// <summary>
/// The HTML page: a static shell, the report as JSON in a data block, Chart.js from <c>chart.umd.min.js</c> beside
/// it, and the script that builds sections, tables and charts from the JSON with text nodes only.
/// </summary>
internal static class HtmlPage
{
    /// <summary>The page of the report; with <paramref name="render"/> the page that turns each chart into a PNG.</summary>
    public static string Build(LabReport report, string chartScript, bool render)
    {
        var page = new StringBuilder();
        page.AppendLine("<!DOCTYPE html>");
        page.AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">");
        page.Append("<title>").Append(WebUtility.HtmlEncode(ReportData.Title(report))).AppendLine("</title>");
        page.Append("<style>").Append(ReportAssets.Style).AppendLine("</style>");
        page.AppendLine("</head>");
        page.AppendLine(render ? "<body data-mode=\"render\">" : "<body>");
        page.AppendLine("<main id=\"report\"><noscript>The charts and tables are drawn by JavaScript; report.md beside this page has the same numbers.</noscript></main>");
        page.Append("<script type=\"application/json\" id=\"lab-data\">").Append(ReportData.ToJson(report)).AppendLine("</script>");
        page.Append("<script src=\"").Append(WebUtility.HtmlEncode(chartScript)).AppendLine("\"></script>");
        page.Append("<script>").Append(ReportAssets.Script).AppendLine("</script>");
        page.AppendLine("</body></html>");
        return page.ToString();
    }
}
