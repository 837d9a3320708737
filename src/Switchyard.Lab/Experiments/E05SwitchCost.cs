using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Switchyard.Processes;

namespace Switchyard.Lab.Experiments;

/// <summary>The cost of handing control over: an async yield, a thread context switch, a round trip to another process.</summary>
internal sealed class E05SwitchCost : IExperiment
{
    private const string AsyncYield = "async yield";
    private const string ThreadSwitch = "thread switch";
    private const string ProcessSwitch = "process switch";

    public int Number => 5;
    public string Title => "Switch cost: async yield vs thread vs process";
    public string Claim => "Switching between async tasks costs 0.1–0.5 µs; a thread context switch 5–10 µs; a process switch more.";

    public async Task<ExperimentResult> RunAsync(LabContext context)
    {
        var token = context.CancellationToken;
        var yields = context.Pick(100_000, 1_000_000);
        var pings = context.Pick(20_000, 100_000);
        var trips = context.Pick(2_000, 10_000);
        var chart = new LabChart("Time per switch", "µs") { LogScale = true };

        context.Step("raw .NET");
        chart.Set(Contender.Dotnet, AsyncYield, await Clock.SecondsAsync(() => Task.Run(() => Yield(yields), token)).ConfigureAwait(false) / yields * 1e6);
        chart.Set(Contender.Dotnet, ThreadSwitch, PingPongThreads(pings) / (2.0 * pings) * 1e6);
        if (await PingPongCatAsync(trips, token).ConfigureAwait(false) is { } cat) chart.Set(Contender.Dotnet, ProcessSwitch, cat / (2.0 * trips) * 1e6);
        else context.Note("cat could not be started: the raw .NET process round trip was not measured.");

        context.Step("Switchyard Loop lane");
        await using (var loop = Lane.Loop(new LoopLaneOptions { Name = "lab-loop" }))
        {
            var seconds = await loop.RunAsync(async _ => await Clock.SecondsAsync(() => Yield(yields)).ConfigureAwait(true), token).ConfigureAwait(false);
            chart.Set(Contender.Switchyard, AsyncYield, seconds / yields * 1e6);
        }
        context.Step("Switchyard Process lane");
        await using (var lane = ProcessLane.Create(new ProcessLaneOptions { Workers = 1, Name = "lab-process", WorkerOutput = TextWriter.Null }))
        {
            await lane.SubmitAsync(LabWork.Noop, 0, token).ConfigureAwait(false);
            var seconds = await Clock.SecondsAsync(async () =>
            {
                for (var i = 0; i < trips; i++) await lane.SubmitAsync(LabWork.Noop, i, token).ConfigureAwait(false);
            }).ConfigureAwait(false);
            chart.Set(Contender.Switchyard, ProcessSwitch, seconds / (2.0 * trips) * 1e6);
        }

        if (await context.PythonAsync("switch", new { n = pings, process_n = trips }).ConfigureAwait(false) is { } py)
        {
            chart.Set(Contender.Python, AsyncYield, py.Number("async_us"));
            chart.Set(Contender.Python, ThreadSwitch, py.Number("thread_us"));
            chart.Set(Contender.Python, ProcessSwitch, py.Number("process_us"));
        }

        var loopYield = chart.Get(Contender.Switchyard, AsyncYield)!.Value;
        var poolYield = chart.Get(Contender.Dotnet, AsyncYield)!.Value;
        var thread = chart.Get(Contender.Dotnet, ThreadSwitch)!.Value;
        var why = string.Create(CultureInfo.InvariantCulture,
            $"An await Task.Yield() cost {loopYield:0.00} µs on the Loop lane and {poolYield:0.00} µs on the thread pool; a thread ping-pong " +
            $"cost {thread:0.00} µs per switch (two kernel wake-ups per round trip); a process round trip over pipes ");
        why += chart.Get(Contender.Dotnet, ProcessSwitch) is { } process
            ? string.Create(CultureInfo.InvariantCulture, $"{process:0.00} µs per switch (to cat and back), {chart.Get(Contender.Switchyard, ProcessSwitch):0.00} µs on the Process lane (which also frames and serialises JSON).")
            : "was not measured.";
        if (chart.Get(Contender.Python, AsyncYield) is { } pyAsync)
            why += string.Create(CultureInfo.InvariantCulture, $" Python's asyncio.sleep(0) cost {pyAsync:0.00} µs: a pass through the interpreted event loop.");
        var fastest = Math.Min(loopYield, poolYield);
        // Within a factor of 2 of the claimed ranges counts as holding: switch costs vary with the CPU and the kernel.
        var verdict = fastest < thread
            ? fastest <= 1.0 && thread is >= 2.5 and <= 20 ? Verdict.Holds : Verdict.Partly
            : Verdict.DoesNotHold;
        if (verdict == Verdict.Partly) why += " The order holds (an async switch is cheaper than a thread switch); the figures are more than 2× off the claim's ranges here.";
        if (chart.Get(Contender.Dotnet, ProcessSwitch) is { } toCat && toCat <= thread)
            why += " A switch to another process over a pipe cost no more than a thread switch: the kernel switches threads and processes alike; a process costs more in what it must copy and start, not in the switch.";
        why += MachineLoad.Caveat();
        return context.Result(verdict, why, chart);
    }

    private static async Task Yield(int count)
    {
        for (var i = 0; i < count; i++) await Task.Yield();
    }

    /// <summary>Two threads hand a turn back and forth over kernel events; each hand-over is a context switch.</summary>
    private static double PingPongThreads(int rounds)
    {
        using var ping = new AutoResetEvent(false);
        using var pong = new AutoResetEvent(false);
        var other = new Thread(() =>
        {
            for (var i = 0; i < rounds; i++)
            {
                ping.WaitOne();
                pong.Set();
            }
        }) { IsBackground = true };
        other.Start();
        var seconds = Clock.Seconds(() =>
        {
            for (var i = 0; i < rounds; i++)
            {
                ping.Set();
                pong.WaitOne();
            }
        });
        other.Join();
        return seconds;
    }

    /// <summary>One byte to <c>cat</c> and back, <paramref name="rounds"/> times: two process switches per round trip.</summary>
    private static async Task<double?> PingPongCatAsync(int rounds, CancellationToken token)
    {
        var start = new ProcessStartInfo("cat") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true };
        Process cat;
        try
        {
            cat = Process.Start(start)!;
        }
        catch (Win32Exception)
        {
            return null;
        }
        using (cat)
        {
            var input = cat.StandardInput.BaseStream;
            var output = cat.StandardOutput.BaseStream;
            var one = new byte[1];
            RoundTrip(); // cat is up before the clock starts
            // Blocking reads and writes: the plain syscalls, without the async machinery on top.
            var seconds = Clock.Seconds(() =>
            {
                for (var i = 0; i < rounds; i++) RoundTrip();
            });
            cat.StandardInput.Close();
            await cat.WaitForExitAsync(token).ConfigureAwait(false);
            return seconds;

            void RoundTrip()
            {
                input.Write(one);
                input.Flush();
                output.ReadExactly(one);
            }
        }
    }
}
