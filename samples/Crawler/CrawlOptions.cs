namespace Switchyard.Samples.Crawler;

/// <summary>How the crawler fetches.</summary>
public sealed class CrawlOptions
{
    /// <summary>Requests in flight at most (the Io lane's <c>MaxConcurrency</c>). Default: 64.</summary>
    public int Concurrency { get; init; } = 64;

    /// <summary>Requests started per second against one host (a token bucket); 0 for no limit. Default: 2000.</summary>
    public int RatePerHost { get; init; } = 2000;

    /// <summary>How many requests may start at once before the rate applies (the bucket's size). Default: 50.</summary>
    public int Burst { get; init; } = 50;

    /// <summary>The longest one attempt at one page may take. Default: 2 seconds.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Retries of a page after a timeout, a connection error or a 5xx/429 answer. Default: 4.</summary>
    public int Retries { get; init; } = 4;

    /// <summary>Checks every field, naming the field and the rule.</summary>
    public void Validate()
    {
        if (Concurrency < 1) throw new ArgumentException($"--concurrency must be at least 1 (was {Concurrency}).");
        if (RatePerHost < 0) throw new ArgumentException($"--rate must be 0 (no limit) or more (was {RatePerHost}).");
        if (Burst < 1) throw new ArgumentException($"--burst must be at least 1 (was {Burst}).");
        if (Timeout <= TimeSpan.Zero) throw new ArgumentException($"--timeout-ms must be positive (was {Timeout.TotalMilliseconds}).");
        if (Retries < 0) throw new ArgumentException($"--retries must be 0 or more (was {Retries}).");
    }
}
