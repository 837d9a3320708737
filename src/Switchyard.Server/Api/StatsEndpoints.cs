using Switchyard.Jobs;
using Switchyard.Jobs.Store;
using Switchyard.Server.Hosting;

namespace Switchyard.Server.Api;

/// <summary><c>GET /api/stats</c>: counts by queue and state, totals of every state, per-minute throughput, workers alive.</summary>
internal static class StatsEndpoints
{
    /// <summary>How far back throughput goes, in one-minute buckets.</summary>
    public const int ThroughputMinutes = 15;

    /// <summary>A worker is alive when its last heartbeat is this recent.</summary>
    public static readonly TimeSpan AliveWithin = TimeSpan.FromSeconds(30);

    internal sealed record Stats(IReadOnlyList<CountView> Counts, IReadOnlyDictionary<string, long> Totals,
        IReadOnlyList<ThroughputBucket> Throughput, IReadOnlyList<WorkerInfo> Workers);

    internal sealed record CountView(string Queue, JobState State, long Count);

    public static void MapStats(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/stats", GetAsync).WithName("GetStats").WithTags("Stats").Produces<Stats>();

    private static async Task<IResult> GetAsync(QueueHost queue, TimeProvider clock, CancellationToken ct)
    {
        var store = queue.Store;
        var counts = await store.CountAsync(ct);
        var totals = Enum.GetValues<JobState>().ToDictionary(s => s.ToText(), s => counts.Where(c => c.State == s).Sum(c => c.Count));
        var now = clock.GetUtcNow();
        var minute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        // The store counts up to the minute of its own now, which may have turned since ours: keep the last 15.
        var throughput = (await store.ThroughputAsync(minute.AddMinutes(1 - ThroughputMinutes), TimeSpan.FromMinutes(1), ct)).TakeLast(ThroughputMinutes).ToList();
        var workers = await store.ListWorkersAsync(now - AliveWithin, ct);
        return Results.Ok(new Stats(counts.Select(c => new CountView(c.Queue, c.State, c.Count)).ToList(), totals, throughput, workers));
    }
}
