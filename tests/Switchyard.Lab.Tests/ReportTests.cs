using System.Text.Json;
using Switchyard.Lab.Report;
using Switchyard.Testing;

namespace Switchyard.Lab.Tests;

[Collection(LabCollection.Name)]
public sealed class ReportTests(LabFixture lab)
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G'];

    [Fact]
    public void The_run_writes_the_page_the_chart_library_the_markdown_and_a_png_per_chart()
    {
        Assert.Null(lab.ImageProblem);
        Assert.True(File.Exists(Path.Combine(lab.Directory, "index.html")));
        Assert.Contains("Chart", File.ReadAllText(Path.Combine(lab.Directory, "chart.umd.min.js")), StringComparison.Ordinal);
        var markdown = File.ReadAllText(Path.Combine(lab.Directory, "report.md"));
        foreach (var result in lab.Report.Results)
        {
            Assert.Contains($"## {result.Number}. {result.Title}", markdown, StringComparison.Ordinal);
            Assert.Contains($"](charts/e{result.Number}.png)", markdown, StringComparison.Ordinal);
            var png = File.ReadAllBytes(Path.Combine(lab.Directory, "charts", $"e{result.Number}.png"));
            Assert.Equal(PngSignature, png[..4]);
        }
        Assert.True(File.Exists(Path.Combine(lab.Directory, "charts", "e8-2.png")));
    }

    [Fact]
    public void Values_go_into_the_page_as_json_text_never_as_html()
    {
        var page = HtmlPage.Build(SampleReport.Create(), "chart.umd.min.js", render: false);
        Assert.DoesNotContain("<img", page, StringComparison.Ordinal);
        // The data block, the library and the page's script: a "</script>" inside a value cannot end the data block early.
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Count(page, "</script>"));
        var start = page.IndexOf("id=\"lab-data\">", StringComparison.Ordinal) + "id=\"lab-data\">".Length;
        var json = page[start..page.IndexOf("</script>", start, StringComparison.Ordinal)];
        using var data = JsonDocument.Parse(json);
        Assert.Equal("Title " + SampleReport.Hostile, data.RootElement.GetProperty("experiments")[0].GetProperty("title").GetString());
    }

    [Fact]
    public async Task Without_chromium_the_markdown_has_no_images_and_says_why()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"switchyard-lab-nochrome-{Guid.NewGuid():N}");
        try
        {
            var problem = await ReportWriter.WriteAsync(SampleReport.Create(), directory, "/nonexistent/chromium", CancellationToken.None).Within();
            Assert.NotNull(problem);
            var markdown = File.ReadAllText(Path.Combine(directory, "report.md"));
            Assert.Contains("/nonexistent/chromium not found", markdown, StringComparison.Ordinal);
            Assert.DoesNotContain("![", markdown, StringComparison.Ordinal);
            Assert.Contains("\\|", markdown, StringComparison.Ordinal); // a | in a value cannot break the table
            Assert.True(File.Exists(Path.Combine(directory, "index.html")));
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }
}
