using System.CommandLine;
using Switchyard.Bench;

namespace Switchyard.Cli.Commands;

/// <summary><c>yard bench SUITE... [--json] [--quick]</c>: runs benchmark suites, each figure beside its baseline.</summary>
internal static class BenchCommand
{
    internal static Command Create()
    {
        var suites = new Argument<string[]>("suite")
        {
            Arity = ArgumentArity.OneOrMore,
            Description = "The suites to run, in order: " + BenchSuites.KnownNames + ".",
        };
        var json = new Option<bool>("--json")
        {
            Description = "Print a JSON array of figures (suite, name, value, unit, better, baseline, baseline_value, " +
                          "ratio) and nothing else on stdout; progress goes to stderr.",
        };
        var quick = new Option<bool>("--quick")
        {
            Description = "Smaller workloads, to check the runner works; quick figures are not for the record.",
        };

        var command = new Command("bench", Describe()) { suites, json, quick };
        command.SetAction((parseResult, cancellationToken) => BenchRunner.RunAsync(
            parseResult.GetValue(suites) ?? [],
            parseResult.GetValue(json),
            parseResult.GetValue(quick),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error,
            cancellationToken));
        return command;
    }

    private static string Describe()
    {
        var width = BenchSuites.All.Max(s => s.Name.Length);
        var lines = BenchSuites.All.Select(s => $"  {s.Name.PadRight(width)}  {s.Description}");
        return "Run benchmark suites; each figure is printed beside a baseline measured in the same run, with the ratio " +
               "and the target." + Environment.NewLine + "Suites:" + Environment.NewLine +
               string.Join(Environment.NewLine, lines);
    }
}
