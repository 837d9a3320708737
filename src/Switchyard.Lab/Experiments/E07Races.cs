using System.Globalization;

namespace Switchyard.Lab.Experiments;

/// <summary>Four threads increment one counter without a lock, with a lock, atomically; four tasks do it on one loop.</summary>
internal sealed class E07Races : IExperiment
{
    private const int Threads = 4;
    private const int Increments = 100_000;
    private const int Expected = Threads * Increments;
    private const string NoLock = "threads, no lock";
    private const string Locked = "threads, lock";
    private const string Atomic = "threads, Interlocked";
    private const string OneLoop = "one event loop, no lock";

    public int Number => 7;
    public string Title => "Races: unlocked increments";
    public string Claim => "4 threads × 100,000 unlocked increments lose updates; with a lock they don't; on a single-threaded loop no lock is needed.";

    public async Task<ExperimentResult> RunAsync(LabContext context)
    {
        var chart = new LabChart("Updates lost out of 4 × 100,000", "updates");
        var maxRounds = context.Pick(200, 200);

        context.Step("raw .NET threads");
        // A race needs the threads to overlap: a run in which they happened not to is run again, up to maxRounds times.
        var rounds = 0;
        long lost;
        do
        {
            rounds++;
            lost = Expected - OnThreads(static c => Volatile.Write(ref c.Value, Volatile.Read(ref c.Value) + 1));
        }
        while (lost == 0 && rounds < maxRounds);
        chart.Set(Contender.Dotnet, NoLock, lost);
        chart.Set(Contender.Dotnet, Locked, Expected - OnThreads(static c => { lock (c) c.Value++; }));
        chart.Set(Contender.Dotnet, Atomic, Expected - OnThreads(static c => Interlocked.Increment(ref c.Value)));

        context.Step("Switchyard Loop lane");
        await using (var loop = Lane.Loop(new LoopLaneOptions { Name = "lab-loop" }))
        {
            var counter = new Counter();
            // Every item's code runs on the loop's one thread; the yields interleave the four of them.
            await Task.WhenAll(Enumerable.Range(0, Threads).Select(_ => loop.RunAsync(async _ =>
            {
                for (var i = 0; i < Increments; i++)
                {
                    counter.Value++;
                    if (i % 1000 == 0) await Task.Yield();
                }
            }, context.CancellationToken))).ConfigureAwait(false);
            chart.Set(Contender.Switchyard, OneLoop, Expected - counter.Value);
        }

        if (await context.PythonAsync("races", new { threads = Threads, increments = Increments }).ConfigureAwait(false) is { } py)
        {
            chart.Set(Contender.Python, NoLock, py.Number("unlocked_lost"));
            chart.Set(Contender.Python, Locked, py.Number("locked_lost"));
            chart.Set(Contender.Python, OneLoop, py.Number("asyncio_lost"));
        }

        var loopLost = chart.Get(Contender.Switchyard, OneLoop)!.Value;
        var lockedLost = chart.Get(Contender.Dotnet, Locked)!.Value + chart.Get(Contender.Dotnet, Atomic)!.Value;
        var why = string.Create(CultureInfo.InvariantCulture,
            $"Unlocked, the .NET threads lost {lost:N0} of {Expected:N0} updates (in run {rounds}); with a lock or Interlocked {lockedLost:N0}; " +
            $"on the Loop lane, with no lock, {loopLost:N0}: a read-modify-write of two threads interleaves, while the loop runs one piece of code at a time and switches only at an await.");
        if (chart.Get(Contender.Python, NoLock) is { } pyLost)
            why += pyLost == 0
                ? $" Python's unlocked threads lost none this time: CPython (3.10+) switches threads only between certain bytecodes, so counter += 1 rarely interleaves; the race is still there, not ruled out."
                : string.Create(CultureInfo.InvariantCulture, $" Python's unlocked threads lost {pyLost:N0}.");
        var verdict = lost > 0 && lockedLost == 0 && loopLost == 0 ? Verdict.Holds
            : lockedLost == 0 && loopLost == 0 ? Verdict.Partly : Verdict.DoesNotHold;
        if (lost == 0) why += $" No update was lost in {rounds} runs: the threads barely overlapped (one core free, or a busy machine).";
        return context.Result(verdict, why, chart);
    }

    /// <summary>Runs <see cref="Threads"/> threads of <see cref="Increments"/> calls to <paramref name="increment"/>, started together; the final count.</summary>
    private static long OnThreads(Action<Counter> increment)
    {
        var counter = new Counter();
        var ready = 0;
        var go = 0;
        var threads = Enumerable.Range(0, Threads).Select(_ => new Thread(() =>
        {
            // Spin (not block) at the start line: the threads that hold a core when the gun goes off all start at once,
            // instead of one finishing its 100,000 increments while the others are still being woken.
            Interlocked.Increment(ref ready);
            while (Volatile.Read(ref go) == 0) Thread.SpinWait(1);
            for (var i = 0; i < Increments; i++) increment(counter);
        })).ToArray();
        foreach (var thread in threads) thread.Start();
        while (Volatile.Read(ref ready) < Threads) Thread.Yield();
        Volatile.Write(ref go, 1);
        foreach (var thread in threads) thread.Join();
        return counter.Value;
    }

    private sealed class Counter
    {
        public long Value;
    }
}
