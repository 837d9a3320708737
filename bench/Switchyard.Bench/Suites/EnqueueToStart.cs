using System.Diagnostics;
using System.Text.Json;
using Switchyard.Jobs;
using Switchyard.Jobs.Store;

namespace Switchyard.Bench;

/// <summary>Enqueue-to-start latency of the queue suites: one job at a time on an idle queue, from the enqueue call to the handler's start.</summary>
internal static class EnqueueToStart
{
    /// <summary>
    /// Enqueues through <paramref name="enqueueStore"/> and runs a worker on <paramref name="workerStore"/> (the same store
    /// for an in-process wake-up, another for one that must cross processes) whose poll is 5 s, so only the wake-up can
    /// make the latency small. Returns each sample's latency and the enqueue call's own share, in ms, after <paramref name="warmup"/>.
    /// </summary>
    public static async Task<(List<double> Latencies, List<double> Enqueues)> MeasureAsync(IJobStore workerStore, IJobStore enqueueStore,
        int samples, int warmup, CancellationToken ct)
    {
        var client = new JobClient(enqueueStore);
        TaskCompletionSource<long>? started = null;
        var handlers = new JobHandlers().Add<JsonElement>("ping", (_, _, _) =>
        {
            Volatile.Read(ref started)!.TrySetResult(Stopwatch.GetTimestamp());
            return ValueTask.FromResult<object?>(null);
        });
        await using var worker = new Worker(workerStore, handlers, new WorkerOptions { PollInterval = TimeSpan.FromSeconds(5) });
        await worker.StartAsync(ct);
        var latencies = new List<double>(samples);
        var enqueues = new List<double>(samples);
        for (var i = 0; i < samples + warmup; i++)
        {
            var signal = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref started, signal);
            var before = Stopwatch.GetTimestamp();
            await client.EnqueueAsync("ping", "{}", cancellationToken: ct);
            var enqueued = Stopwatch.GetElapsedTime(before).TotalMilliseconds;
            var at = await signal.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
            if (i >= warmup)
            {
                latencies.Add(Stopwatch.GetElapsedTime(before, at).TotalMilliseconds);
                enqueues.Add(enqueued);
            }
            while (worker.Statistics().Running > 0) await Task.Yield(); // idle again before the next sample
        }
        return (latencies, enqueues);
    }

    /// <summary>The <paramref name="p"/> quantile (0 to 1) of <paramref name="values"/>, nearest rank.</summary>
    public static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
