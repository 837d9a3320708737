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
        var latencies = new long[total];
        var next = -1;
        var failures = 0;
        var clock = Stopwatch.StartNew();
        var loops = Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                var start = Stopwatch.GetTimestamp();
                using var response = await send(client, i, cancellationToken).ConfigureAwait(false);
                await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
                latencies[i] = Stopwatch.GetTimestamp() - start;
                if (!response.IsSuccessStatusCode) Interlocked.Increment(ref failures);
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(loops).ConfigureAwait(false);
        var seconds = clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        double Ms(double q) => latencies[Math.Min(total - 1, (int)(q * total))] * 1000.0 / Stopwatch.Frequency;
        return new Result(total, seconds, Ms(0.50), Ms(0.99), failures);
    }
}
