using Switchyard.Samples.Crawler;
using Switchyard.Samples.Tests.Support;
using Switchyard.Testing;

namespace Switchyard.Samples.Tests;

/// <summary>The crawler sample, end to end against its own site on 127.0.0.1.</summary>
public sealed class CrawlerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Crawl_fetches_every_page_of_the_generated_site_exactly_once_through_timeouts_and_503s()
    {
        var siteOptions = new SiteOptions { Pages = 1500, SlowEvery = 97, FailEvery = 53, FailAttempts = 2 };
        await using var site = await SiteServer.StartAsync(siteOptions);
        var report = await SiteCrawler.CrawlAsync(site.StartPage,
            new CrawlOptions { Concurrency = 32, RatePerHost = 0, Timeout = TimeSpan.FromSeconds(3), Retries = 5 }).Within(Patience);

        Assert.Empty(report.Failed);
        var expected = Enumerable.Range(0, site.Pages).Select(i => new Uri(site.BaseAddress, $"/page/{i}").AbsoluteUri).Order();
        Assert.Equal(expected, report.Pages.Select(p => p.AbsoluteUri).Order()); // each page once, no other URL
        Assert.Equal(site.Pages, report.Discovered);
        Assert.Equal(site.Pages * 7L, report.LinksParsed); // seven hrefs per page; the <a> without href is not a link
        Assert.Equal(site.Pages, report.ExternalLinks);

        var slow = Enumerable.Range(0, site.Pages).Count(i => i % 97 == 96);
        var flaky = Enumerable.Range(0, site.Pages).Count(i => i % 53 == 52);
        Assert.Equal(slow, site.Hung);
        Assert.Equal(flaky * 2, site.Refused);
        // Every request the site refused or held failed an attempt, which was retried: as a 503, or as a timeout when
        // the client gave up first (a loaded machine may also time out an ordinary page, which only adds retries).
        Assert.True(report.Timeouts >= site.Hung, $"{report.Timeouts} timeouts for {site.Hung} held requests");
        Assert.InRange(report.ServerErrors, 1, site.Refused);
        Assert.True(report.ServerErrors + report.Timeouts >= site.Refused + site.Hung);
        Assert.True(report.Retries >= report.ServerErrors + report.Timeouts);
        Assert.True(report.PagesPerSecond > 0);
    }

    [Fact]
    public async Task The_per_host_rate_limit_bounds_how_fast_pages_start()
    {
        await using var site = await SiteServer.StartAsync(new SiteOptions { Pages = 300, SlowEvery = 0, FailEvery = 0 });
        var report = await SiteCrawler.CrawlAsync(site.StartPage,
            new CrawlOptions { Concurrency = 64, RatePerHost = 200, Burst = 10 }).Within(Patience);

        Assert.Equal(300, report.Pages.Count);
        // A lower bound only (a limiter can make a crawl slower, never faster): 290 permits beyond the burst at 200/s.
        Assert.True(report.Elapsed >= TimeSpan.FromSeconds(1.2), $"300 pages at 200/s took only {report.Elapsed}");
    }

    [Fact]
    public async Task The_sample_reports_pages_per_second_and_checks_itself()
    {
        var output = new StringWriter();
        var exit = await CrawlerSample.RunAsync(new SiteOptions { Pages = 400 },
            new CrawlOptions { Timeout = TimeSpan.FromSeconds(3) }, output).Within(Patience);

        var text = output.ToString();
        Assert.Equal(0, exit);
        Assert.Contains("400 fetched (400 distinct), 0 failed", text, StringComparison.Ordinal);
        Assert.Matches(@"time +[0-9.]+ s, [0-9]+ pages/s", text);
        Assert.Contains("every page of the site fetched exactly once", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_options_are_refused_naming_the_option()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            CrawlerSample.RunAsync(new SiteOptions(), new CrawlOptions { Concurrency = 0 }, TextWriter.Null));
        Assert.Contains("--concurrency must be at least 1", error.Message, StringComparison.Ordinal);
        error = await Assert.ThrowsAsync<ArgumentException>(() =>
            CrawlerSample.RunAsync(new SiteOptions { Pages = -1 }, new CrawlOptions(), TextWriter.Null));
        Assert.Contains("--pages must be at least 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_executable_runs_end_to_end()
    {
        var result = await SampleExecutable.RunAsync("Switchyard.Samples.Crawler", ["--pages", "300", "--timeout-ms", "3000"]);

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("300 fetched (300 distinct), 0 failed", result.Output, StringComparison.Ordinal);
        Assert.Contains("pages/s", result.Output, StringComparison.Ordinal);

        var bad = await SampleExecutable.RunAsync("Switchyard.Samples.Crawler", ["--rate", "-5"]);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("--rate must be 0 (no limit) or more", bad.Error, StringComparison.Ordinal);
    }
}
