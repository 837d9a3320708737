using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Switchyard.Lab;

/// <summary>Runs the chosen experiments one after another (they measure the machine, so never two at once).</summary>
internal static class LabRunner
{
    /// <summary>How long one experiment may run in a quick run before it is stopped and reported as failed. Default: 3 minutes.</summary>
    private static readonly TimeSpan QuickLimit = TimeSpan.FromMinutes(3);

    /// <summary>The same for a full run. Default: 8 minutes.</summary>
    private static readonly TimeSpan FullLimit = TimeSpan.FromMinutes(8);

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

    public static Task<LabReport> RunAsync(LabOptions options, ILabProgress progress, CancellationToken cancellationToken) =>
        RunAsync(Select(options.Only), options, progress, cancellationToken);

    /// <summary>Runs <paramref name="experiments"/> in order; one that throws or overruns its limit is reported as failed and the rest still run.</summary>
    internal static async Task<LabReport> RunAsync(IReadOnlyList<IExperiment> experiments, LabOptions options, ILabProgress progress,
        CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var loadBefore = MachineLoad.Text();
        var clock = Stopwatch.StartNew();
        var results = new List<ExperimentResult>();
        using var python = new PythonPeer(options.Python);
        for (var i = 0; i < experiments.Count; i++)
        {
            var experiment = experiments[i];
            progress.Started(experiment, i, experiments.Count);
            var limit = options.Quick ? QuickLimit : FullLimit;
            using var limited = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limited.CancelAfter(limit);
            var context = new LabContext(experiment, options.Quick, python, progress, limited.Token);
            // Each experiment starts from a settled heap: the previous one's garbage must not be collected on the other core mid-measurement.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var began = Stopwatch.GetTimestamp();
            ExperimentResult result;
            try
            {
                // WaitAsync as well as the token: a stuck wait that ignores its token must not hold up the whole lab.
                result = await experiment.RunAsync(context).WaitAsync(limit + TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                var why = e is OperationCanceledException or TimeoutException
                    ? $"The experiment did not finish within {limit.TotalMinutes:0} minutes and was stopped; nothing it measured is reported."
                    : $"The experiment failed ({e.GetType().Name}: {e.Message}); nothing it measured is reported.";
                result = context.Result(Verdict.Failed, why);
            }
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
