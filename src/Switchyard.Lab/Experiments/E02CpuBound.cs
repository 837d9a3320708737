using System.Globalization;
using Switchyard.Processes;

namespace Switchyard.Lab.Experiments;

/// <summary>Four CPU-bound tasks: serial, on threads, on processes. Python's GIL makes its threads no faster.</summary>
internal sealed class E02CpuBound : IExperiment
{
    private const int Tasks = 4;

    /// <summary>Each figure is the fastest of this many rounds: the one least disturbed by other load on the machine.</summary>
    private const int Rounds = 3;

    public int Number => 2;
    public string Title => "CPU-bound: serial vs threads vs processes";
    public string Claim => "For 4 × a CPU task, threads don't help in Python (the GIL runs one at a time) and processes do; in .NET threads run truly in parallel.";

    public async Task<ExperimentResult> RunAsync(LabContext context)
    {
        var token = context.CancellationToken;
        // The two languages get different loop counts (CPython is ~50× slower per loop); the chart compares speedups.
        var loops = context.Pick(40_000_000L, 200_000_000L);
        var chart = new LabChart("Speedup over serial, 4 CPU-bound tasks", "× serial");
        const string Serial = "serial";
        const string Threads = "threads";
        const string Processes = "processes";
        var items = Enumerable.Repeat(loops, Tasks).ToArray();

        context.Step("raw .NET");
        LabWork.Burn(1_000); // jitted before the clock starts
        var serial = Clock.Best(Rounds, () => { foreach (var n in items) LabWork.Burn(n); });
        var threads = Clock.Best(Rounds, () =>
        {
            var started = items.Select(n => new Thread(() => LabWork.Burn(n))).ToArray();
            foreach (var t in started) t.Start();
            foreach (var t in started) t.Join();
        });
        chart.Set(Contender.Dotnet, Serial, 1).Set(Contender.Dotnet, Threads, serial / threads);

        context.Step("Switchyard Cpu lane");
        await using (var cpu = Lane.Cpu(new CpuLaneOptions { Name = "lab-cpu" }))
        {
            var seconds = await Clock.BestAsync(Rounds, () => cpu.MapAsync(items, LabWork.Burn, new MapOptions { ChunkSize = 1 }, token)).ConfigureAwait(false);
            chart.Set(Contender.Switchyard, Serial, 1).Set(Contender.Switchyard, Threads, serial / seconds);
        }
        context.Step("Switchyard Process lane");
        await using (var processes = ProcessLane.Create(new ProcessLaneOptions { Workers = Tasks, Name = "lab-process", WorkerOutput = TextWriter.Null }))
        {
            // Every worker started and jitted first: the figure is the work, not the pool's start.
            await processes.MapAsync(Enumerable.Repeat(1_000L, Tasks), LabWork.Burn, new MapOptions { ChunkSize = 1 }, token).ConfigureAwait(false);
            var seconds = await Clock.BestAsync(Rounds, () => processes.MapAsync(items, LabWork.Burn, new MapOptions { ChunkSize = 1 }, token)).ConfigureAwait(false);
            chart.Set(Contender.Switchyard, Processes, serial / seconds);
        }

        double? pythonThreads = null;
        if (await context.PythonAsync("cpu", new { tasks = Tasks, loops = context.Pick(1_500_000, 5_000_000), rounds = Rounds }).ConfigureAwait(false) is { } py)
        {
            var pySerial = py.Number("serial_s");
            pythonThreads = pySerial / py.Number("threads_s");
            chart.Set(Contender.Python, Serial, 1).Set(Contender.Python, Threads, pythonThreads.Value)
                 .Set(Contender.Python, Processes, pySerial / py.Number("processes_s"));
            if (py.TryGetProperty("gil", out var gil) && !gil.GetBoolean())
                context.Note("This Python runs without the GIL (free-threaded build): its threads may run in parallel.");
        }

        var dotnetThreads = chart.Get(Contender.Dotnet, Threads)!.Value;
        var laneThreads = chart.Get(Contender.Switchyard, Threads)!.Value;
        var cores = Environment.ProcessorCount;
        var why = string.Create(CultureInfo.InvariantCulture,
            $"On {cores} core(s) the 4 .NET tasks took {serial:0.000} s serially and {threads:0.000} s on 4 threads (best of {Rounds} each; {dotnetThreads:0.00}×, " +
            $"{laneThreads:0.00}× on the Cpu lane, the ideal being {Math.Min(cores, Tasks)}×)");
        why += pythonThreads is { } p
            ? string.Create(CultureInfo.InvariantCulture, $"; Python's threads gave {p:0.00}× and its processes {chart.Get(Contender.Python, Processes):0.00}×.")
            : ".";
        Verdict verdict;
        if (cores < 2)
        {
            verdict = Verdict.DoesNotHold;
            why += " With one core nothing runs in parallel: neither threads nor processes can speed CPU-bound work up here.";
        }
        else
        {
            // Either .NET run counts: both are threads; a burst of other load can spoil one of them.
            var dotnetParallel = Math.Max(dotnetThreads, laneThreads) >= 1.3;
            var pythonSerialised = pythonThreads is null or < 1.2;
            verdict = dotnetParallel && pythonSerialised ? Verdict.Holds : dotnetParallel || pythonSerialised ? Verdict.Partly : Verdict.DoesNotHold;
            if (!dotnetParallel) why += " .NET threads gave less than 1.3× here: the other core was busy or not fully available.";
            if (!pythonSerialised) why += " Python's threads came out faster than its serial loop, which the GIL should prevent: a sign the serial run was slowed by other load.";
        }
        why += MachineLoad.Caveat();
        return context.Result(verdict, why, chart);
    }
}
