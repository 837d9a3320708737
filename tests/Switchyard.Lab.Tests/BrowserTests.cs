using System.Text.Json;
using Microsoft.Playwright;
using Switchyard.Lab.Report;
using Switchyard.Testing;

namespace Switchyard.Lab.Tests;

/// <summary>Opens the written index.html in Chromium (Playwright on Debian's /usr/bin/chromium) and checks what was drawn.</summary>
[Collection(LabCollection.Name)]
public sealed class BrowserTests(LabFixture lab)
{
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private static async Task<T> WithPageAsync<T>(string file, Func<IPage, Task<T>> body)
    {
        using var playwright = await Playwright.CreateAsync().Within(TimeSpan.FromMinutes(1));
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
        }).Within(TimeSpan.FromMinutes(1));
        var page = await browser.NewPageAsync().Within();
        page.SetDefaultTimeout(30_000);
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(new Uri(file).AbsoluteUri).Within();
        var result = await body(page).Within(TimeSpan.FromMinutes(1));
        Assert.Empty(errors);
        return result;
    }

    [Fact]
    public async Task Every_experiment_has_its_charts_drawn_with_data()
    {
        var drawn = await WithPageAsync(Path.Combine(lab.Directory, "index.html"), async page =>
        {
            await page.WaitForFunctionAsync("() => document.querySelectorAll('section.experiment').length > 0");
            return await page.EvaluateAsync<JsonElement>(@"() => Array.from(document.querySelectorAll('section.experiment')).map(s => ({
                id: s.id,
                charts: Array.from(s.querySelectorAll('canvas')).map(c => {
                    const chart = Chart.getChart(c);
                    return chart ? chart.data.datasets.reduce((n, d) => n + d.data.filter(v => v !== null).length, 0) : -1;
                })
            }))");
        });
        var sections = drawn.EnumerateArray().ToList();
        Assert.Equal(lab.Report.Results.Select(r => $"e{r.Number}"), sections.Select(s => s.GetProperty("id").GetString()));
        foreach (var section in sections)
        {
            var points = section.GetProperty("charts").EnumerateArray().Select(c => c.GetInt32()).ToList();
            var number = int.Parse(section.GetProperty("id").GetString()![1..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(lab.Result(number).Charts.Count, points.Count);
            Assert.All(points, p => Assert.True(p > 0, $"{section.GetProperty("id")}: a canvas without a chart or without data"));
        }
    }

    [Fact]
    public async Task Hostile_text_shows_as_text_and_runs_nothing()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"switchyard-lab-xss-{Guid.NewGuid():N}");
        try
        {
            await ReportWriter.WriteAsync(SampleReport.Create(), directory, "/nonexistent/chromium", CancellationToken.None).Within();
            var (images, pwned, title) = await WithPageAsync(Path.Combine(directory, "index.html"), async page =>
            {
                await page.WaitForFunctionAsync("() => !!document.querySelector('h2') && !!Chart.getChart(document.querySelector('canvas'))");
                return (await page.EvaluateAsync<int>("() => document.querySelectorAll('img').length"),
                        await page.EvaluateAsync<bool>("() => window.pwned === 1"),
                        await page.EvaluateAsync<string>("() => document.querySelector('h2').textContent"));
            });
            Assert.Equal(0, images);
            Assert.False(pwned);
            Assert.Equal("1. Title " + SampleReport.Hostile, title);
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }
}
