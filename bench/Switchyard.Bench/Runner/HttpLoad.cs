using System.Diagnostics;
using System.Net;

namespace Switchyard.Bench;

/// <summary>
/// A closed-loop HTTP load generator: <c>connections</c> loops, each with its own keep-alive connection, sending
/// one request after another for a fixed count, recording every latency. Written here because wrk needs a Lua
/// script per request shape and is not on every machine; the same generator drives Switchyard and its baseline.
/// </summary>
internal static class HttpLoad
{
    /// <summary>Requests per second and latency percentiles of one run.</summary>
    public sealed record Result(int Requests, double Seconds, double P50Ms, double P99Ms, int Failures)
    {
        public double PerSecond => Requests / Seconds;
    }

    /// <summary>Sends <paramref name="total"/> requests from <paramref name="connections"/> loops; <paramref name="send"/> makes request i.</summary>
    public static async Task<Result> RunAsync(Uri baseAddress, int connections, int total,
        Func<HttpClient, int, CancellationToken, Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
        };
        using var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var failures = 0;
        var (latencies, seconds) = await ClosedLoopAsync(connections, total, async i =>
        {
            using var response = await send(client, i, cancellationToken).ConfigureAwait(false);
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) Interlocked.Increment(ref failures);
        }, cancellationToken).ConfigureAwait(false);
        return new Result(total, seconds, Percentile(latencies, 0.50), Percentile(latencies, 0.99), failures);
    }

    /// <summary>
    /// Runs <paramref name="request"/>(0 … <paramref name="total"/> − 1) from <paramref name="loops"/> concurrent loops, each
    /// starting the next as soon as its last ends; returns every request's latency (Stopwatch ticks, by index) and the wall time.
    /// </summary>
    public static async Task<(long[] Latencies, double Seconds)> ClosedLoopAsync(int loops, int total, Func<int, Task> request,
        CancellationToken cancellationToken)
    {
        var latencies = new long[total];
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, loops).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                var start = Stopwatch.GetTimestamp();
                await request(i).ConfigureAwait(false);
                latencies[i] = Stopwatch.GetTimestamp() - start;
            }
        }, cancellationToken))).ConfigureAwait(false);
        return (latencies, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The <paramref name="q"/> quantile of <paramref name="ticks"/> (Stopwatch ticks), in milliseconds; the array is not changed.</summary>
    public static double Percentile(IEnumerable<long> ticks, double q)
    {
        var sorted = ticks.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))] * 1000.0 / Stopwatch.Frequency;
    }
}
