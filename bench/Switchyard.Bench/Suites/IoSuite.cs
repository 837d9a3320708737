using System.Diagnostics;
using System.Globalization;

namespace Switchyard.Bench;

/// <summary>
/// <c>yard bench io</c>: many concurrent waits through the Io lane (unbounded) against raw
/// <c>Task.WhenAll</c> over <c>Task.Delay</c>, and against Python asyncio doing the same waits.
/// </summary>
/// <remarks>
/// Both .NET contenders run the same work, <c>Task.Delay(wait)</c>; the lane's item does not pass its token
/// on, so the figure is the lane's own cost, not a cancellation registration that raw code would lack.
/// Memory is the managed heap that stays live while the items are pending:
/// <c>GC.GetTotalMemory(forceFullCollection: true)</c> after every item has started minus before, per item.
/// That counts what a pending wait holds on to (timer, task, lane state), not garbage made on the way.
/// A full collection with 100,000 pending items can outlast a 100 ms wait, so the memory pass uses a longer
/// wait and checks that no item had finished when it was measured.
/// </remarks>
internal sealed class IoSuite : IBenchSuite
{
    public string Name => "io";

    public string Description =>
        "100,000 concurrent 100 ms waits: Io lane vs raw Task.WhenAll(Task.Delay) (wall time, bytes per pending wait) " +
        "and vs Python asyncio (when python3 is on PATH).";

    public async Task<IReadOnlyList<Measurement>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var n = context.Quick ? 2_000 : 100_000;
        var wait = TimeSpan.FromMilliseconds(context.Quick ? 20 : 100);
        var memoryWait = TimeSpan.FromSeconds(context.Quick ? 1 : 5);
        var rounds = context.Quick ? 1 : 5;
        var count = n.ToString("#,0", CultureInfo.InvariantCulture);
        var waitText = $"{wait.TotalMilliseconds:0} ms";

        await using var lane = Lane.Io(new IoLaneOptions { MaxConcurrency = IoLaneOptions.Unbounded });
        Func<Task> raw = () => RawWaitsAsync(n, wait);
        Func<Task> laned = () => LaneWaitsAsync(lane, n, wait);

        context.Note($"io: {count} × {waitText} waits, {rounds} round(s) after a warm-up, raw and lane in turn ...");
        var walls = await Sampler.MedianSecondsAsync(rounds, [raw, laned], cancellationToken).ConfigureAwait(false);
        var (rawWall, laneWall) = (walls[0] * 1000, walls[1] * 1000);
        context.Note($"io: garbage collection in one more round each: raw {await GcCostAsync(raw).ConfigureAwait(false)}; " +
                     $"lane {await GcCostAsync(laned).ConfigureAwait(false)}.");

        context.Note($"io: managed bytes per pending wait ({count} waits of {memoryWait.TotalSeconds:0} s each) ...");
        var rawBytes = await BytesPerPendingAsync(context, "raw", n, memoryWait, () => Task.Delay(memoryWait))
            .ConfigureAwait(false);
        Func<CancellationToken, ValueTask> longWait = _ => new ValueTask(Task.Delay(memoryWait, CancellationToken.None));
        // A fresh lane: what one waiting item costs, not what the timed rounds left behind.
        await using var fresh = Lane.Io(new IoLaneOptions { MaxConcurrency = IoLaneOptions.Unbounded });
        var laneBytes = await BytesPerPendingAsync(context, "lane", n, memoryWait, () => fresh.RunAsync(longWait))
            .ConfigureAwait(false);

        context.Note($"io: Python asyncio peer, {count} × asyncio.sleep({wait.TotalSeconds:0.###}) ...");
        var asyncio = await PeerScript.RunAsync(context, "python3", "asyncio_waits.py",
            ["--n", n.ToString(CultureInfo.InvariantCulture),
             "--wait", wait.TotalSeconds.ToString(CultureInfo.InvariantCulture),
             "--rounds", rounds.ToString(CultureInfo.InvariantCulture)],
            cancellationToken).ConfigureAwait(false);
        double? asyncioWall = null;
        if (asyncio is { } peer)
        {
            if (peer.TryGetProperty("seconds", out var seconds) && seconds.TryGetDouble(out var s)) asyncioWall = s * 1000;
            else context.Note($"io: the asyncio peer printed no \"seconds\" number ({peer}): its baseline is empty.");
        }

        return
        [
            new(Name, $"Io lane wall, {count} × {waitText} waits", laneWall, "ms", Better.Lower,
                "raw Task.WhenAll(Task.Delay)", rawWall, "≤ 1.15"),
            new(Name, "Io lane managed bytes per pending wait", laneBytes, "bytes", Better.Lower,
                "raw Task.Delay", rawBytes, "≤ 1.5"),
            new(Name, $"Io lane wall vs asyncio, {count} × {waitText} waits", laneWall, "ms", Better.Lower,
                "Python asyncio.gather(asyncio.sleep)", asyncioWall, "≤ 0.1"),
        ];
    }

    private static Task RawWaitsAsync(int n, TimeSpan wait)
    {
        var tasks = new Task[n];
        for (var i = 0; i < n; i++) tasks[i] = Task.Delay(wait);
        return Task.WhenAll(tasks);
    }

    private static Task LaneWaitsAsync(Lane lane, int n, TimeSpan wait)
    {
        Func<CancellationToken, ValueTask> work = _ => new ValueTask(Task.Delay(wait, CancellationToken.None));
        var tasks = new Task[n];
        for (var i = 0; i < n; i++) tasks[i] = lane.RunAsync(work);
        return Task.WhenAll(tasks);
    }

    /// <summary>What the collector did during one run: pauses and collections by generation (for the notes).</summary>
    private static async Task<string> GcCostAsync(Func<Task> run)
    {
        GC.Collect();
        var (pause, gen0, gen1, gen2) = (GC.GetTotalPauseDuration(), GC.CollectionCount(0), GC.CollectionCount(1),
            GC.CollectionCount(2));
        await Task.Run(run).ConfigureAwait(false);
        return $"{(GC.GetTotalPauseDuration() - pause).TotalMilliseconds:0.0} ms paused, " +
               $"{GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2} gen0/1/2 collections";
    }

    private static async Task<double> BytesPerPendingAsync(BenchContext context, string who, int n, TimeSpan wait,
        Func<Task> start)
    {
        var tasks = new Task[n]; // allocated before the first reading, so it is not counted
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < n; i++) tasks[i] = start();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var measuredAt = Stopwatch.GetElapsedTime(started);
        var finished = tasks.Count(t => t.IsCompleted);
        if (finished > 0)
            context.Note($"io: {who}: {finished} of {n} waits had already ended when memory was read " +
                         $"({measuredAt.TotalSeconds:0.00} s after the first started): the bytes figure is low.");
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return (double)(after - before) / n;
    }
}
