namespace Switchyard.Bench;

/// <summary>
/// Runs named suites in order and prints their figures: a table for people, or with <c>json</c> a JSON
/// array and nothing else on <c>output</c> (progress and notes then go to <c>error</c>).
/// </summary>
internal static class BenchRunner
{
    /// <summary>
    /// Runs <paramref name="suiteNames"/>; returns the exit code: 0 when every suite ran (a missed target is a
    /// figure, not a failure), 1 for an unknown suite (nothing runs) or when a suite threw.
    /// </summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> suiteNames, bool json, bool quick,
        TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        // Every name is checked before anything runs: a typo must not cost a ten-minute run first.
        var suites = new List<IBenchSuite>();
        foreach (var name in suiteNames)
        {
            var suite = BenchSuites.Find(name);
            if (suite is null)
            {
                await error.WriteLineAsync(
                    $"yard bench: unknown suite '{name}'. Known suites: {BenchSuites.KnownNames}.").ConfigureAwait(false);
                return 1;
            }
            if (!suites.Contains(suite)) suites.Add(suite);
        }
        if (suites.Count == 0)
        {
            await error.WriteLineAsync($"yard bench: name at least one suite. Known suites: {BenchSuites.KnownNames}.")
                .ConfigureAwait(false);
            return 1;
        }

        var context = new BenchContext { Log = json ? error : output, Quick = quick };
        if (quick) context.Note("quick run: smaller workloads, figures are not for the record.");
        var measurements = new List<Measurement>();
        var failed = 0;
        foreach (var suite in suites)
        {
            context.Note($"{suite.Name}: running ...");
            try
            {
                var figures = await suite.RunAsync(context, cancellationToken).ConfigureAwait(false);
                foreach (var figure in figures)
                    _ = figure.TargetMet(); // a malformed target fails here, by the suite's name, not in the table
                measurements.AddRange(figures);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The other suites still run and what was measured is still printed; the exit code says it failed.
                await error.WriteLineAsync($"yard bench: suite '{suite.Name}' failed: {e}").ConfigureAwait(false);
                failed++;
            }
        }

        if (json) await BenchJson.WriteAsync(measurements, output, cancellationToken).ConfigureAwait(false);
        else BenchTable.Write(measurements, output);
        return failed == 0 ? 0 : 1;
    }
}
