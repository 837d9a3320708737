using System.Globalization;
using Spectre.Console;

namespace Switchyard.Cli.Run;

/// <summary>
/// --progress: a live Spectre.Console bar (counts, elapsed, ETA) when stderr is a terminal; otherwise a plain
/// line every <see cref="Interval"/> and a last one at the end, so logs of redirected runs stay readable.
/// </summary>
internal static class RunProgress
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    /// <summary>Runs <paramref name="run"/> while showing progress of <paramref name="counters"/> on <paramref name="error"/>.</summary>
    public static async Task<T> ShowAsync<T>(RunCounters counters, TextWriter error, OutputSink errorSink, TimeProvider time, Func<Task<T>> run)
    {
        var live = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
        return live ? await LiveAsync(counters, run).ConfigureAwait(false) : await PlainAsync(counters, errorSink, time, run).ConfigureAwait(false);
    }

    private static async Task<T> LiveAsync<T>(RunCounters counters, Func<Task<T>> run)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("jobs", maxValue: Math.Max(1, counters.Total ?? 1));
                task.IsIndeterminate = counters.Total is null;
                var work = run();
                while (await Task.WhenAny(work, Task.Delay(200)).ConfigureAwait(false) != work)
                    Update(task, counters);
                Update(task, counters);
                return await work.ConfigureAwait(false);
            }).ConfigureAwait(false);
    }

    private static void Update(ProgressTask task, RunCounters c)
    {
        task.Description = string.Create(CultureInfo.InvariantCulture,
            $"{c.Finished}{(c.Total is { } t ? "/" + t : "")} done, {c.Failed} failed, {c.Started - c.Finished} running");
        task.Value = c.Finished;
    }

    private static async Task<T> PlainAsync<T>(RunCounters counters, OutputSink error, TimeProvider time, Func<Task<T>> run)
    {
        var start = time.GetTimestamp();
        var work = run();
        using var timer = new PeriodicTimer(Interval, time);
        var tick = timer.WaitForNextTickAsync().AsTask();
        while (await Task.WhenAny(work, tick).ConfigureAwait(false) != work)
        {
            WriteLine(error, Line(counters, time.GetElapsedTime(start)));
            tick = timer.WaitForNextTickAsync().AsTask();
        }
        var result = await work.ConfigureAwait(false);
        WriteLine(error, Line(counters, time.GetElapsedTime(start)));
        return result;
    }

    private static void WriteLine(OutputSink error, string line)
    {
        lock (error.Gate)
        {
            error.Write(line + "\n");
            error.Flush();
        }
    }

    /// <summary>"yard run: 120/2000 done, 3 failed, 2 running, 0:00:04 elapsed, ETA 0:01:02".</summary>
    public static string Line(RunCounters c, TimeSpan elapsed)
    {
        var done = c.Finished;
        var eta = c.Total is { } total && done > 0 && total >= done
            ? string.Create(CultureInfo.InvariantCulture, $", ETA {elapsed * ((double)(total - done) / done):h\\:mm\\:ss}")
            : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"yard run: {done}{(c.Total is { } t ? "/" + t : "")} done, {c.Failed} failed, {c.Started - done} running, {elapsed:h\\:mm\\:ss} elapsed{eta}");
    }
}
