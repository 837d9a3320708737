using System.Diagnostics;
using System.Globalization;

namespace Switchyard.Lab.Experiments;

/// <summary>
/// A ticker that should wake every 10 ms, while another task waits: once by awaiting, once by a blocking call.
/// On an event loop the blocking call stops everything; Switchyard's Loop lane says so.
/// </summary>
internal sealed class E10BlockingCall : IExperiment
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);
    private const string Awaits = "other task awaits";
    private const string Blocks = "other task blocks";

    public int Number => 10;
    public string Title => "A blocking call inside async code";
    public string Claim => "One blocking call (time.sleep, Thread.Sleep, .Result) inside async code on an event loop delays every other task by as long as it blocks; Switchyard warns about it.";

    public async Task<ExperimentResult> RunAsync(LabContext context)
    {
        var token = context.CancellationToken;
        var block = context.Pick(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500));
        var ticks = (int)(block / Tick) + 10;
        var chart = new LabChart("Worst lateness of a 10 ms ticker", "ms");

        context.Step("Switchyard Loop lane");
        var stalls = new List<LaneStallEventArgs>();
        await using (var loop = Lane.Loop(new LoopLaneOptions { Name = "lab-loop" }))
        {
            loop.Stalled += (_, e) => { lock (stalls) stalls.Add(e); };
            foreach (var (label, blocking) in new[] { (Awaits, false), (Blocks, true) })
            {
                var ticker = loop.RunAsync(_ => new ValueTask<double>(TickerAsync(ticks, token)), token);
                var other = loop.RunAsync(_ => new ValueTask(OtherAsync(blocking, block, token)), token);
                await Task.WhenAll(ticker, other).ConfigureAwait(false);
                chart.Set(Contender.Switchyard, label, await ticker.ConfigureAwait(false));
            }
        }

        context.Step("raw .NET thread pool");
        foreach (var (label, blocking) in new[] { (Awaits, false), (Blocks, true) })
        {
            var ticker = Task.Run(() => TickerAsync(ticks, token), token);
            var other = Task.Run(() => OtherAsync(blocking, block, token), token);
            await Task.WhenAll(ticker, other).ConfigureAwait(false);
            chart.Set(Contender.Dotnet, label, await ticker.ConfigureAwait(false));
        }

        if (await context.PythonAsync("blocking", new { tick_ms = Tick.TotalMilliseconds, ticks, block_ms = block.TotalMilliseconds }).ConfigureAwait(false) is { } py)
        {
            chart.Set(Contender.Python, Awaits, py.Number("awaiting_late_ms"));
            chart.Set(Contender.Python, Blocks, py.Number("blocking_late_ms"));
        }

        var awaited = chart.Get(Contender.Switchyard, Awaits)!.Value;
        var blocked = chart.Get(Contender.Switchyard, Blocks)!.Value;
        var pool = chart.Get(Contender.Dotnet, Blocks)!.Value;
        var warned = stalls.Count > 0;
        foreach (var stall in stalls.Take(1)) context.Note($"Switchyard's warning (Lane.Stalled): {stall}");
        var why = string.Create(CultureInfo.InvariantCulture,
            $"On the Loop lane (one thread, like an asyncio loop) the ticker was at worst {awaited:0} ms late while the other task awaited, " +
            $"and {blocked:0} ms late while it blocked for {block.TotalMilliseconds:0} ms: nothing else runs on a loop until the blocking call returns. " +
            $"{(warned ? $"Lane.Stalled fired {stalls.Count} time(s), naming the blocking code. " : "Lane.Stalled did not fire. ")}" +
            $"On the shared .NET thread pool the same blocking call delayed the ticker by {pool:0} ms: other pool threads ran it (until too many calls block at once and the pool starves).");
        var holds = blocked >= block.TotalMilliseconds * 0.8 && awaited < block.TotalMilliseconds / 2;
        return context.Result(holds && warned ? Verdict.Holds : holds ? Verdict.Partly : Verdict.DoesNotHold, why, chart);
    }

    /// <summary>Waits <paramref name="ticks"/> times for 10 ms; the worst lateness of a wake-up, in ms.</summary>
    private static async Task<double> TickerAsync(int ticks, CancellationToken token)
    {
        var worst = 0.0;
        for (var i = 0; i < ticks; i++)
        {
            var asked = Stopwatch.GetTimestamp();
            await Task.Delay(Tick, token).ConfigureAwait(true); // not false: on the Loop lane the ticker stays on the loop
            worst = Math.Max(worst, (Stopwatch.GetElapsedTime(asked) - Tick).TotalMilliseconds);
        }
        return worst;
    }

    private static async Task OtherAsync(bool blocking, TimeSpan block, CancellationToken token)
    {
        await Task.Delay(Tick * 2, token).ConfigureAwait(true);
        if (blocking) Thread.Sleep(block); // the mistake this experiment shows
        else await Task.Delay(block, token).ConfigureAwait(true);
    }
}
