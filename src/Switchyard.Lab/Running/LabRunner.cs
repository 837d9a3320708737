using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Switchyard.Lab;

/// <summary>Runs the chosen experiments one after another (they measure the machine, so never two at once).</summary>
internal static class LabRunner
{
    /// <summary>
    /// The experiments <paramref name="only"/> names, in that order; all of them when it is empty. Throws
    /// <see cref="ArgumentException"/> naming an unknown number before anything runs.
    /// </summary>
    public static IReadOnlyList<IExperiment> Select(IReadOnlyList<int> only)
    {
        if (only.Count == 0) return ExperimentCatalog.All;
        var unknown = only.Where(n => ExperimentCatalog.Find(n) is null).ToArray();
        if (unknown.Length > 0)
            throw new ArgumentException(
                $"--only: no experiment {string.Join(", ", unknown)}; the experiments are numbered 1 to {ExperimentCatalog.All.Count}.", nameof(only));
        return [.. only.Distinct().Select(n => ExperimentCatalog.Find(n)!)];
    }

    public static async Task<LabReport> RunAsync(LabOptions options, ILabProgress progress, CancellationToken cancellationToken)
    {
        var experiments = Select(options.Only);
        var started = DateTimeOffset.UtcNow;
        var loadBefore = MachineLoad.Text();
        var clock = Stopwatch.StartNew();
        var results = new List<ExperimentResult>();
        using var python = new PythonPeer(options.Python);
        for (var i = 0; i < experiments.Count; i++)
        {
            var experiment = experiments[i];
            progress.Started(experiment, i, experiments.Count);
            var context = new LabContext(experiment, options.Quick, python, progress, cancellationToken);
            var began = Stopwatch.GetTimestamp();
            var result = await experiment.RunAsync(context).ConfigureAwait(false);
            result.Elapsed = Stopwatch.GetElapsedTime(began);
            results.Add(result);
            progress.Finished(experiment, result);
        }
        return new LabReport
        {
            Results = results,
            Quick = options.Quick,
            Started = started,
            Elapsed = clock.Elapsed,
            Machine =
            [
                new("cores", Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("OS", RuntimeInformation.OSDescription),
                new(".NET", RuntimeInformation.FrameworkDescription),
                new("Python", python.Version ?? $"{options.Python} not run"),
                new("machine", Environment.MachineName),
                new("load average (1, 5, 15 min)", $"{loadBefore} at the start, {MachineLoad.Text()} at the end"),
            ],
        };
    }
}
