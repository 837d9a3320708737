namespace Switchyard.Samples.Crawler;

/// <summary>The whole sample: serve the generated site on 127.0.0.1, crawl it, print what happened.</summary>
public static class CrawlerSample
{
    /// <summary>
    /// Starts the site, crawls it from its first page and writes the report to <paramref name="output"/>.
    /// Returns 0 when every page of the site was fetched exactly once, 1 otherwise.
    /// </summary>
    public static async Task<int> RunAsync(SiteOptions site, CrawlOptions crawl, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(crawl);
        ArgumentNullException.ThrowIfNull(output);
        site.Validate();
        crawl.Validate();
        void Say(FormattableString line) => output.WriteLine(FormattableString.Invariant(line));
        await using var server = await SiteServer.StartAsync(site, cancellationToken).ConfigureAwait(false);
        Say($"site     {server.BaseAddress} : {site.Pages} pages (1 in {site.SlowEvery} hangs once, 1 in {site.FailEvery} answers 503 {site.FailAttempts}x)");
        Say($"crawl    Io lane, {crawl.Concurrency} in flight at most, {(crawl.RatePerHost == 0 ? "no rate limit" : $"{crawl.RatePerHost} pages/s per host (burst {crawl.Burst})")}, {crawl.Timeout.TotalMilliseconds:0} ms per attempt, {crawl.Retries} retries");

        var report = await SiteCrawler.CrawlAsync(server.StartPage, crawl, cancellationToken).ConfigureAwait(false);

        var distinct = report.Pages.Distinct().Count();
        Say($"pages    {report.Pages.Count} fetched ({distinct} distinct), {report.Failed.Count} failed, {report.Discovered} URLs found, {report.LinksParsed} links parsed, {report.ExternalLinks} to another host not followed");
        Say($"retries  {report.Retries} ({report.Timeouts} timeouts, {report.ServerErrors} server errors); the site refused {server.Refused} and held {server.Hung} requests on purpose");
        Say($"time     {report.Elapsed.TotalSeconds:0.00} s, {report.PagesPerSecond:0} pages/s, {report.Bytes / 1024.0 / 1024.0:0.0} MiB of HTML");
        foreach (var (uri, error) in report.Failed.Take(10))
            Say($"failed   {uri}: {error}");
        var complete = report.Failed.Count == 0 && distinct == report.Pages.Count && report.Pages.Count == site.Pages;
        output.WriteLine(complete
            ? "check    every page of the site fetched exactly once"
            : $"check    FAILED: expected each of {site.Pages} pages once");
        return complete ? 0 : 1;
    }
}
