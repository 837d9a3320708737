using Switchyard.Jobs;
using Switchyard.Server.Api;
using Switchyard.Server.Hosting;

namespace Switchyard.Server.Metrics;

/// <summary><c>GET /metrics</c>: the attempt counters and duration histograms this process saw, plus the store's current counts.</summary>
internal static class MetricsEndpoints
{
    public static void MapMetrics(this IEndpointRouteBuilder app) =>
        app.MapGet("/metrics", WriteAsync).WithName("Metrics").WithTags("Metrics").Produces<string>(contentType: PrometheusText.ContentType);

    private static async Task<IResult> WriteAsync(JobMetricsCollector collector, QueueHost queue, TimeProvider clock, CancellationToken ct)
    {
        var text = new PrometheusText();
        text.Family("switchyard_jobs_total", "counter", "Job attempts that ended in this process, by kind, queue and the state the attempt left the job in.");
        foreach (var ((kind, queueName, state), count) in collector.Attempts().OrderBy(p => p.Key))
            text.Sample("switchyard_jobs_total", [("kind", kind), ("queue", queueName), ("state", state)], count);

        text.Family("switchyard_job_duration_seconds", "histogram", "Time from a job's lease to the end of its attempt, by kind and queue.");
        foreach (var ((kind, queueName), histogram) in collector.Durations().OrderBy(p => p.Key))
        {
            long cumulative = 0;
            for (var i = 0; i <= JobMetricsCollector.Buckets.Length; i++)
            {
                cumulative += histogram.Counts[i];
                var bound = i < JobMetricsCollector.Buckets.Length ? PrometheusText.Number(JobMetricsCollector.Buckets[i]) : "+Inf";
                text.Sample("switchyard_job_duration_seconds_bucket", [("kind", kind), ("queue", queueName), ("le", bound)], cumulative);
            }
            text.Sample("switchyard_job_duration_seconds_sum", [("kind", kind), ("queue", queueName)], histogram.Sum);
            text.Sample("switchyard_job_duration_seconds_count", [("kind", kind), ("queue", queueName)], histogram.Count);
        }

        text.Family("switchyard_jobs", "gauge", "Jobs in the store now, by queue and state.");
        foreach (var count in await queue.Store.CountAsync(ct))
            text.Sample("switchyard_jobs", [("queue", count.Queue), ("state", count.State.ToText())], count.Count);

        text.Family("switchyard_workers_alive", "gauge", "Workers (on any machine) that reported to the store recently.");
        var workers = await queue.Store.ListWorkersAsync(clock.GetUtcNow() - StatsEndpoints.AliveWithin, ct);
        text.Sample("switchyard_workers_alive", [], workers.Count);
        return Results.Text(text.ToString(), PrometheusText.ContentType);
    }
}
