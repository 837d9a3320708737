using System.Diagnostics;
using System.Globalization;
using Switchyard.Profiling;

namespace Switchyard;

/// <summary>
/// Measures a piece of work — a delegate, or a command with its children — then says whether it is
/// CPU-bound, I/O-bound or mixed, and which lane and concurrency suit it, with the reasoning.
/// </summary>
/// <remarks>
/// Utilisation is CPU time over wall time. To tell "waiting for I/O" from "waiting for a core" on a busy
/// machine, the classification divides by the time the work could have run (wall minus run-queue wait,
/// from Linux schedstat). A delegate is measured through process-wide counters, so profile it alone.
/// </remarks>
public static class Profiler
{
    /// <summary>At or above this (in cores) work is CPU-bound.</summary>
    public const double CpuBoundAt = 0.8;

    /// <summary>At or below this (in cores) work is I/O-bound.</summary>
    public const double IoBoundAt = 0.2;

    /// <summary>Profiles <paramref name="work"/>, run <see cref="ProfileOptions.Runs"/> times one after another.</summary>
    public static async Task<WorkProfile> ProfileAsync(Func<CancellationToken, ValueTask> work, ProfileOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        options ??= ProfileOptions.Default;
        options.Validate();
        var runs = new List<Sample>();
        for (var i = 0; i < options.Runs; i++)
        {
            var before = SelfSnapshot();
            var clock = Stopwatch.StartNew();
            await work(cancellationToken).ConfigureAwait(false);
            var wall = clock.Elapsed;
            var after = SelfSnapshot();
            runs.Add(new Sample(wall, after.User - before.User, after.System - before.System, after.RunQueue - before.RunQueue,
                after.PeakRss, after.ReadChars - before.ReadChars, after.WriteChars - before.WriteChars,
                after.Voluntary - before.Voluntary, after.Involuntary - before.Involuntary));
        }
        return Summarise(runs, options);
    }

    /// <summary>
    /// Profiles a command (argv, no shell) and its children, run <see cref="ProfileOptions.Runs"/> times. Its output
    /// goes to <paramref name="output"/> (default: discarded). CPU times and context switches come from the kernel's
    /// account of waited-for children (exact); I/O, peak memory and run-queue wait are sampled from /proc.
    /// </summary>
    /// <exception cref="ArgumentException">The command is empty.</exception>
    public static async Task<WorkProfile> ProfileCommandAsync(IReadOnlyList<string> command, ProfileOptions? options = null,
        TextWriter? output = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Count == 0 || string.IsNullOrWhiteSpace(command[0]))
            throw new ArgumentException("The command must name a program to run.", nameof(command));
        options ??= ProfileOptions.Default;
        options.Validate();
        var runs = new List<Sample>();
        for (var i = 0; i < options.Runs; i++)
            runs.Add(await RunCommandAsync(command, options, output, cancellationToken).ConfigureAwait(false));
        return Summarise(runs, options);
    }

    /// <summary>Classifies work from its CPU time and the time it could have been running.</summary>
    public static WorkClass Classify(TimeSpan cpu, TimeSpan runnable)
    {
        var utilisation = runnable > TimeSpan.Zero ? cpu / runnable : 0;
        return utilisation >= CpuBoundAt ? WorkClass.CpuBound : utilisation <= IoBoundAt ? WorkClass.IoBound : WorkClass.Mixed;
    }

    /// <summary>
    /// Recommends a lane and a concurrency: threads = cores × (1 + wait/compute) (Goetz's sizing rule, Little's law),
    /// capped; CPU-bound work gets one worker per core it leaves free.
    /// </summary>
    public static Recommendation Recommend(TimeSpan cpu, TimeSpan runnable, int cores, int maxConcurrency)
    {
        var utilisation = runnable > TimeSpan.Zero ? cpu / runnable : 0;
        var waiting = runnable - cpu;
        var ratio = cpu > TimeSpan.Zero ? Math.Max(0, waiting / cpu) : double.PositiveInfinity;
        var sized = (int)Math.Clamp(Math.Ceiling(cores * (1 + ratio)), 1, maxConcurrency);
        var reasons = new List<string>
        {
            Format($"CPU {cpu.TotalMilliseconds:0.#} ms over {runnable.TotalMilliseconds:0.#} ms able to run: utilisation {utilisation:0.00} of a core."),
        };
        switch (Classify(cpu, runnable))
        {
            case WorkClass.CpuBound:
                var workers = (int)Math.Clamp(Math.Round(cores / Math.Max(1, utilisation)), 1, maxConcurrency);
                reasons.Add(Format($"{utilisation:0.00} ≥ {CpuBoundAt}: CPU-bound. It computes; parallel threads help, more threads than cores only add switching."));
                reasons.Add(Format($"Cpu lane with {workers} worker(s): {cores} core(s) / {Math.Max(1, utilisation):0.##} core(s) per item."));
                return new Recommendation(LaneKind.Cpu, workers, reasons);
            case WorkClass.IoBound:
                reasons.Add(Format($"{utilisation:0.00} ≤ {IoBoundAt}: I/O-bound. It waits; many can wait at once on few threads."));
                reasons.Add(Format($"wait/compute = {Ratio(ratio)}; cores × (1 + W/C) = {cores} × (1 + {Ratio(ratio)}) → {sized} (capped at {maxConcurrency})."));
                return new Recommendation(LaneKind.Io, sized, reasons);
            default:
                reasons.Add(Format($"{CpuBoundAt} > {utilisation:0.00} > {IoBoundAt}: mixed. Threads that wait part of the time: size the pool by wait/compute."));
                reasons.Add(Format($"wait/compute = {Ratio(ratio)}; cores × (1 + W/C) = {cores} × (1 + {Ratio(ratio)}) → {sized} Cpu-lane workers."));
                return new Recommendation(LaneKind.Cpu, sized, reasons);
        }
    }

    private static string Ratio(double ratio) => double.IsPositiveInfinity(ratio) ? "∞" : ratio.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static WorkProfile Summarise(List<Sample> runs, ProfileOptions options)
    {
        var median = runs.OrderBy(r => r.Wall).ElementAt(runs.Count / 2);
        var cpu = median.User + median.System;
        var runnable = median.Wall - median.RunQueue > TimeSpan.Zero ? median.Wall - median.RunQueue : median.Wall;
        return new WorkProfile
        {
            Wall = median.Wall,
            UserCpu = median.User,
            SystemCpu = median.System,
            RunQueueWait = median.RunQueue,
            PeakRssBytes = median.PeakRss,
            BytesRead = median.Read,
            BytesWritten = median.Written,
            VoluntarySwitches = median.Voluntary,
            InvoluntarySwitches = median.Involuntary,
            Runs = runs.Count,
            Class = Classify(cpu, runnable),
            Recommendation = Recommend(cpu, runnable, options.Cores, options.MaxConcurrency),
        };
    }

    private static async Task<Sample> RunCommandAsync(IReadOnlyList<string> command, ProfileOptions options, TextWriter? output,
        CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(command[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in command.Skip(1)) start.ArgumentList.Add(arg);

        var before = ProcFs.ChildrenUsage();
        // From just before the fork to the moment the runtime reaped the command (ExitTime). Reading the clock after
        // Process.Start instead would leave out however long this process waited for a core while the command
        // already ran (a 0.3 s sleep measured 0.29 s on a busy machine); the fork and exec it includes are a
        // millisecond or two the user waits for too.
        var startedAt = DateTime.Now;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{command[0]}'.");
        process.StandardInput.Close();
        var copyOut = Drain(process.StandardOutput, output);
        var copyErr = Drain(process.StandardError, output);

        // Sample the tree while it runs: the last figures seen for each process are what it did.
        var seen = new Dictionary<int, (long Read, long Written, TimeSpan RunQueue, long PeakRss)>();
        using var ticker = new PeriodicTimer(options.SampleInterval);
        var exited = process.WaitForExitAsync(cancellationToken);
        while (!exited.IsCompleted)
        {
            foreach (var pid in ProcFs.Tree(process.Id))
            {
                var io = ProcFs.Io(pid);
                var sched = ProcFs.ProcessSchedStat(pid);
                var rss = ProcFs.PeakRss(pid);
                if (io is null && sched is null) continue;
                seen.TryGetValue(pid, out var last);
                seen[pid] = (io?.ReadChars ?? last.Read, io?.WriteChars ?? last.Written, sched?.RunQueueWait ?? last.RunQueue,
                    Math.Max(last.PeakRss, rss ?? 0));
            }
            await Task.WhenAny(exited, ticker.WaitForNextTickAsync(cancellationToken).AsTask()).ConfigureAwait(false);
        }
        try
        {
            await exited.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        var wall = process.ExitTime - startedAt;
        if (wall < TimeSpan.Zero) wall = TimeSpan.Zero;
        await Task.WhenAll(copyOut, copyErr).ConfigureAwait(false);
        var after = ProcFs.ChildrenUsage();

        var user = after is { } a && before is { } b ? a.User - b.User : TimeSpan.Zero;
        var system = after is { } a2 && before is { } b2 ? a2.System - b2.System : TimeSpan.Zero;
        return new Sample(wall, user, system,
            TimeSpan.FromTicks(seen.Values.Sum(v => v.RunQueue.Ticks)),
            // Sampled VmHWM only: the kernel's ru_maxrss for a child counts the forked parent image before exec.
            seen.Count == 0 ? null : seen.Values.Max(v => v.PeakRss),
            seen.Values.Sum(v => v.Read), seen.Values.Sum(v => v.Written),
            after is { } a3 && before is { } b3 ? a3.VoluntarySwitches - b3.VoluntarySwitches : null,
            after is { } a4 && before is { } b4 ? a4.InvoluntarySwitches - b4.InvoluntarySwitches : null);
    }

    private static async Task Drain(StreamReader from, TextWriter? to)
    {
        var buffer = new char[8192];
        int read;
        while ((read = await from.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            if (to is not null) await to.WriteAsync(buffer.AsMemory(0, read)).ConfigureAwait(false);
    }

    // This process, all threads: CPU from the runtime, the rest from /proc/self.
    private static SelfCounters SelfSnapshot()
    {
        var usage = Environment.CpuUsage;
        var runQueue = TimeSpan.Zero;
        long voluntary = 0, involuntary = 0;
        if (Directory.Exists("/proc/self/task"))
        {
            foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                if (ReadSchedDelay(Path.Combine(task, "schedstat")) is { } delay) runQueue += delay;
                var (v, i) = ReadSwitches(Path.Combine(task, "status"));
                voluntary += v;
                involuntary += i;
            }
        }
        var io = ProcFs.Io(Environment.ProcessId);
        return new SelfCounters(usage.UserTime, usage.PrivilegedTime, runQueue, ProcFs.PeakRss(Environment.ProcessId),
            io?.ReadChars ?? 0, io?.WriteChars ?? 0, voluntary, involuntary);
    }

    private static TimeSpan? ReadSchedDelay(string path)
    {
        try
        {
            var parts = File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return TimeSpan.FromTicks(long.Parse(parts[1], CultureInfo.InvariantCulture) / 100);
        }
        catch (IOException) { return null; } // the thread ended meanwhile
    }

    private static (long Voluntary, long Involuntary) ReadSwitches(string path)
    {
        long voluntary = 0, involuntary = 0;
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal))
                    voluntary = long.Parse(line.AsSpan(24).Trim(), CultureInfo.InvariantCulture);
                else if (line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                    involuntary = long.Parse(line.AsSpan(27).Trim(), CultureInfo.InvariantCulture);
            }
        }
        catch (IOException) { } // the thread ended meanwhile
        return (voluntary, involuntary);
    }

    private readonly record struct SelfCounters(TimeSpan User, TimeSpan System, TimeSpan RunQueue, long? PeakRss,
        long ReadChars, long WriteChars, long Voluntary, long Involuntary);

    private readonly record struct Sample(TimeSpan Wall, TimeSpan User, TimeSpan System, TimeSpan RunQueue, long? PeakRss,
        long? Read, long? Written, long? Voluntary, long? Involuntary);
}
