using System.Globalization;
using Spectre.Console;
using Switchyard.Lab;
using Switchyard.Lab.Report;

namespace Switchyard.Cli.Lab;

/// <summary>
/// The lab's progress on stderr: a live Spectre.Console display (one line per experiment, its current step, a spinner)
/// when stderr is a terminal; plain lines otherwise, so redirected runs and tests get a readable log. NO_COLOR is respected.
/// </summary>
internal static class LabProgressDisplay
{
    public static async Task<T> ShowAsync<T>(TextWriter error, Func<ILabProgress, Task<T>> run)
    {
        if (!ReferenceEquals(error, Console.Error) || Console.IsErrorRedirected)
            return await run(new PlainProgress(error)).ConfigureAwait(false);

        var noColor = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Error),
            ColorSystem = noColor ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        return await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(context => run(new LiveProgress(context))).ConfigureAwait(false);
    }

    private static string Name(IExperiment e) => string.Create(CultureInfo.InvariantCulture, $"{e.Number}. {e.Title}");

    private sealed class LiveProgress(ProgressContext context) : ILabProgress
    {
        private readonly Dictionary<int, ProgressTask> _tasks = [];

        public void Started(IExperiment experiment, int index, int count) =>
            _tasks[experiment.Number] = context.AddTask(Markup.Escape(Name(experiment)), maxValue: 1);

        public void Step(IExperiment experiment, string step) =>
            _tasks[experiment.Number].Description = Markup.Escape($"{Name(experiment)}: {step}");

        public void Finished(IExperiment experiment, ExperimentResult result)
        {
            var task = _tasks[experiment.Number];
            task.Description = Markup.Escape($"{Name(experiment)}: {MarkdownReport.Describe(result.Verdict)}");
            task.Value = 1;
            task.StopTask();
        }
    }

    private sealed class PlainProgress(TextWriter error) : ILabProgress
    {
        public void Started(IExperiment experiment, int index, int count) =>
            Write(string.Create(CultureInfo.InvariantCulture, $"yard lab: [{index + 1}/{count}] {Name(experiment)}"));

        public void Step(IExperiment experiment, string step) => Write($"yard lab:   {step}");

        public void Finished(IExperiment experiment, ExperimentResult result) =>
            Write(string.Create(CultureInfo.InvariantCulture, $"yard lab:   {MarkdownReport.Describe(result.Verdict)} ({result.Elapsed.TotalSeconds:0.0} s)"));

        private void Write(string line)
        {
            lock (error)
            {
                error.WriteLine(line);
                error.Flush();
            }
        }
    }
}
