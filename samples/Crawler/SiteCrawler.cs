using System.Diagnostics;
using System.Net;
using System.Threading.Channels;
using System.Threading.RateLimiting;
using AngleSharp.Html.Parser;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Switchyard.Samples.Crawler;

/// <summary>
/// A breadth-first site crawler on Switchyard's Io lane: the frontier is a channel the lane streams from, each page
/// is fetched with a per-attempt timeout and retries (<see cref="MapOptions"/>), its links parsed with AngleSharp,
/// and new URLs on the same host go back into the frontier. The crawl ends when nothing is queued or in flight.
/// </summary>
public static class SiteCrawler
{
    /// <summary>Crawls every page reachable from <paramref name="start"/> on its host.</summary>
    public static async Task<CrawlReport> CrawlAsync(Uri start, CrawlOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!start.IsAbsoluteUri || (start.Scheme != Uri.UriSchemeHttp && start.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"The start URL must be an absolute http(s) URL (was {start}).", nameof(start));

        // The crawl stays on the start URL's host, as a site crawler does, so the per-host limit is the lane's own
        // rate limiter: each page takes one permit before it starts (retries of it take none).
        using var perHost = options.RatePerHost == 0 ? null : TokenBucket(options.RatePerHost, options.Burst);
        await using var lane = Lane.Io(new IoLaneOptions
        {
            Name = "crawl " + start.Authority,
            MaxConcurrency = options.Concurrency,
            RateLimiter = perHost,
        });
        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Concurrency,
            AutomaticDecompression = DecompressionMethods.All,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan, // the lane's per-attempt timeout governs
        };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("Switchyard.Samples.Crawler/1.0");

        long retries = 0, timeouts = 0, serverErrors = 0;
        var map = new MapOptions
        {
            Order = MapOrder.Completion,
            ItemTimeout = options.Timeout,
            Retry = options.Retries == 0 ? null : new RetryStrategyOptions
            {
                MaxRetryAttempts = options.Retries,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(50),
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome.Exception)),
                OnRetry = args =>
                {
                    Interlocked.Increment(ref retries);
                    if (args.Outcome.Exception is TimeoutRejectedException) Interlocked.Increment(ref timeouts);
                    else if (args.Outcome.Exception is HttpRequestException { StatusCode: not null }) Interlocked.Increment(ref serverErrors);
                    return ValueTask.CompletedTask;
                },
            },
        };

        // Only this loop touches the frontier's bookkeeping: no locks needed.
        var frontier = Channel.CreateUnbounded<Uri>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var queued = new List<Uri>(); // by stream index: an outcome's Index is its position in the frontier
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Enqueue(Uri uri)
        {
            queued.Add(uri);
            frontier.Writer.TryWrite(uri);
        }
        var first = Normalise(start);
        seen.Add(first.AbsoluteUri);
        Enqueue(first);

        var pages = new List<Uri>();
        var failed = new List<(Uri, string)>();
        long links = 0, external = 0, bytes = 0;
        var pending = 1;
        var clock = Stopwatch.StartNew();
        var stream = lane.Stream(frontier.Reader.ReadAllAsync(cancellationToken),
            (uri, ct) => FetchAsync(http, uri, ct), map, cancellationToken);
        await foreach (var outcome in stream.Outcomes().WithCancellation(cancellationToken))
        {
            pending--;
            if (outcome.Succeeded)
            {
                var page = outcome.Value;
                pages.Add(page.Uri);
                bytes += page.Bytes;
                foreach (var href in page.Links)
                {
                    links++;
                    if (!Uri.TryCreate(page.Uri, href, out var target) ||
                        (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps))
                        continue;
                    if (!string.Equals(target.Authority, first.Authority, StringComparison.OrdinalIgnoreCase))
                    {
                        external++;
                        continue;
                    }
                    target = Normalise(target);
                    if (seen.Add(target.AbsoluteUri))
                    {
                        pending++;
                        Enqueue(target);
                    }
                }
            }
            else
            {
                failed.Add((queued[(int)outcome.Index], outcome.Exception!.Message));
            }
            if (pending == 0) frontier.Writer.TryComplete();
        }
        clock.Stop();
        return new CrawlReport
        {
            Pages = pages,
            Failed = failed,
            Discovered = seen.Count,
            LinksParsed = links,
            ExternalLinks = external,
            Retries = retries,
            Timeouts = timeouts,
            ServerErrors = serverErrors,
            Bytes = bytes,
            Elapsed = clock.Elapsed,
        };
    }

    private static async ValueTask<FetchedPage> FetchAsync(HttpClient http, Uri uri, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        // EnsureSuccessStatusCode's exception carries the status, which tells a retryable 5xx/429 from a final 404.
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (response.Content.Headers.ContentType?.MediaType != "text/html")
            return new FetchedPage(uri, body.Length, []);
        using var html = new MemoryStream(body, writable: false);
        using var document = await new HtmlParser().ParseDocumentAsync(html, cancellationToken).ConfigureAwait(false);
        var links = document.QuerySelectorAll("a[href]").Select(a => a.GetAttribute("href")!).ToArray();
        return new FetchedPage(uri, body.Length, links);
    }

    private static bool IsTransient(Exception? error) => error switch
    {
        TimeoutRejectedException => true,
        HttpRequestException { StatusCode: null } => true, // connection refused or reset
        HttpRequestException { StatusCode: { } status } => (int)status >= 500 || status == HttpStatusCode.TooManyRequests,
        _ => false,
    };

    // One URL per page: the fragment names a place in the page, not another page.
    private static Uri Normalise(Uri uri) => new UriBuilder(uri) { Fragment = string.Empty }.Uri;

    private static TokenBucketRateLimiter TokenBucket(int perSecond, int burst)
    {
        // Refill in small steps (about every 50 ms) so the rate is smooth rather than one burst per second.
        var tokensPerPeriod = Math.Max(1, perSecond / 20);
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(burst, tokensPerPeriod), // a step larger than the bucket would be cut to its size
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = TimeSpan.FromSeconds((double)tokensPerPeriod / perSecond),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }
}
