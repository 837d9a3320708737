using System.CommandLine;
using System.Globalization;
using Switchyard.Cli.Lab;
using Switchyard.Lab;
using Switchyard.Lab.Report;

namespace Switchyard.Cli.Commands;

/// <summary>
/// <c>yard lab [--quick] [--only N,M] [--out DIR]</c>: runs the classic concurrency experiments on this machine
/// (Switchyard, raw .NET and Python side by side) and writes DIR/index.html, DIR/report.md and the charts.
/// </summary>
internal static class LabCommand
{
    internal static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "Smaller workloads: the whole lab in under a minute on 2 cores; figures not for the record." };
        var only = new Option<string?>("--only") { Description = "Run only these experiments, by number, comma-separated (e.g. 1,7)." };
        var output = new Option<string>("--out") { Description = "The folder to write index.html, report.md and charts/ into.", DefaultValueFactory = _ => "lab-report" };
        var python = new Option<string>("--python") { Description = "The Python interpreter for the peers (asyncio, threading, multiprocessing); skipped with a note when not found.", DefaultValueFactory = _ => "python3" };
        var command = new Command("lab", Describe()) { quick, only, output, python };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            var outWriter = parseResult.InvocationConfiguration.Output;
            var directory = parseResult.GetValue(output)!;
            IReadOnlyList<IExperiment> experiments;
            try
            {
                experiments = LabRunner.Select(ParseOnly(parseResult.GetValue(only)));
            }
            catch (ArgumentException e)
            {
                await error.WriteLineAsync($"yard lab: {e.Message.Split(" (Parameter", 2)[0]}").ConfigureAwait(false);
                return 1;
            }
            if (string.IsNullOrWhiteSpace(directory))
            {
                await error.WriteLineAsync("yard lab: --out must name a folder.").ConfigureAwait(false);
                return 1;
            }

            var options = new LabOptions
            {
                Quick = parseResult.GetValue(quick),
                Only = [.. experiments.Select(e => e.Number)],
                Python = parseResult.GetValue(python)!,
            };
            var report = await LabProgressDisplay.ShowAsync(error, progress => LabRunner.RunAsync(options, progress, cancellationToken)).ConfigureAwait(false);
            var problem = await ReportWriter.WriteAsync(report, directory, options.Chromium, cancellationToken).ConfigureAwait(false);

            await outWriter.WriteLineAsync(ReportData.Summary(report)).ConfigureAwait(false);
            foreach (var result in report.Results)
                await outWriter.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  {result.Number,2}. {result.Title}: {MarkdownReport.Describe(result.Verdict)}")).ConfigureAwait(false);
            if (problem is not null) await error.WriteLineAsync($"yard lab: {problem}").ConfigureAwait(false);
            await outWriter.WriteLineAsync($"Wrote {Path.Combine(directory, "index.html")} and {Path.Combine(directory, "report.md")}.").ConfigureAwait(false);
            // A claim that does not hold is a finding; an experiment that could not run is a failure.
            return report.Results.Any(r => r.Verdict == Verdict.Failed) ? 1 : 0;
        });
        return command;
    }

    /// <summary>"1,7" → [1, 7]; null or empty → all. Throws <see cref="ArgumentException"/> naming the option and the rule.</summary>
    internal static IReadOnlyList<int> ParseOnly(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var numbers = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                throw new ArgumentException($"--only: '{text}' is not a comma-separated list of experiment numbers (e.g. 1,7).");
            numbers.Add(number);
        }
        return numbers;
    }

    private static string Describe() =>
        "Run the classic concurrency experiments on this machine, with Switchyard, raw .NET and Python's asyncio / threading / " +
        "multiprocessing side by side, and write a report: each claim, the numbers, a chart and a verdict." + Environment.NewLine +
        "Experiments:" + Environment.NewLine +
        string.Join(Environment.NewLine, ExperimentCatalog.All.Select(e => string.Create(CultureInfo.InvariantCulture, $"  {e.Number,2}. {e.Title}")));
}
