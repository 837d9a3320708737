namespace Switchyard.Samples.Crawler;

/// <summary>What a crawl did.</summary>
public sealed class CrawlReport
{
    /// <summary>Every page fetched, in the order they finished.</summary>
    public required IReadOnlyList<Uri> Pages { get; init; }

    /// <summary>Pages that failed after every retry, with the last error.</summary>
    public required IReadOnlyList<(Uri Uri, string Error)> Failed { get; init; }

    /// <summary>Distinct URLs on the start host that were found (and so fetched or failed).</summary>
    public required int Discovered { get; init; }

    /// <summary>Links read from the HTML, all of them.</summary>
    public required long LinksParsed { get; init; }

    /// <summary>Links to another host, not followed.</summary>
    public required long ExternalLinks { get; init; }

    /// <summary>Attempts retried, of which <see cref="Timeouts"/> timed out and <see cref="ServerErrors"/> got a 5xx/429.</summary>
    public required long Retries { get; init; }

    /// <summary>Retried attempts that hit the per-attempt timeout.</summary>
    public required long Timeouts { get; init; }

    /// <summary>Retried attempts that got a 5xx or 429 answer.</summary>
    public required long ServerErrors { get; init; }

    /// <summary>Bytes of HTML read.</summary>
    public required long Bytes { get; init; }

    /// <summary>How long the crawl took.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Pages fetched per second of the crawl.</summary>
    public double PagesPerSecond => Pages.Count / Math.Max(Elapsed.TotalSeconds, 1e-9);
}
