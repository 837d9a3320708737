namespace Switchyard.Jobs;

/// <summary>The default wait between attempts.</summary>
public static class RetryBackoff
{
    /// <summary>
    /// attempt⁴ + 15 s + jitter, the jitter uniform in [0, 10 × (attempt + 1)) s (Sidekiq's curve): about 16 s after
    /// the first failure, 20 days in all over 20 attempts. Jitter spreads retries of jobs that failed together.
    /// </summary>
    public static TimeSpan Default(int attempt, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var a = Math.Max(1, attempt);
#pragma warning disable CA5394 // jitter, not security
        var jitter = random.NextDouble() * 10 * (a + 1);
#pragma warning restore CA5394
        return TimeSpan.FromMilliseconds(Math.Round((Math.Pow(a, 4) + 15 + jitter) * 1000)); // whole ms: stores keep µs
    }
}
