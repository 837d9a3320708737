using System.Diagnostics;
using System.Globalization;

namespace Switchyard.Bench;

/// <summary>
/// <c>yard run</c> against <c>xargs -P 2</c> and GNU <c>parallel -j 2</c> (Debian packages findutils and
/// parallel), each a real process over the same argument file: 2,000 × <c>true</c>, and 200 commands that each
/// print 1 MB. Figures are wall times (median of the repeats, the tools interleaved); a peer not on PATH is
/// reported as absent. Targets: ≤ 1.3× xargs, ≤ 0.5× GNU parallel.
/// </summary>
internal sealed class RunSuite : IBenchSuite
{
    private const int Repeats = 3;

    public string Name => "run";

    public string Description => "yard run vs xargs -P 2 and GNU parallel -j 2: 2,000 × true, 200 × 1 MB of output";

    public async Task<IReadOnlyList<Measurement>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var yard = Path.Combine(AppContext.BaseDirectory, "yard.dll");
        if (!File.Exists(yard))
        {
            context.Note($"run: {yard} not found (the suite runs beside the yard CLI); nothing measured");
            return [];
        }
        var xargs = FindOnPath("xargs");
        var parallel = FindOnPath("parallel");
        if (xargs is null) context.Note("run: xargs not on PATH (Debian package findutils): its baseline is absent");
        if (parallel is null) context.Note("run: GNU parallel not on PATH (Debian package parallel): its baseline is absent");

        var dir = Directory.CreateTempSubdirectory("yard-bench-run-").FullName;
        try
        {
            var workloads = new[]
            {
                // The argument is a harmless extra word for `true` and the file `head` reads.
                new Workload(context.Quick ? "200 × true" : "2,000 × true", context.Quick ? 200 : 2000, "/dev/null", ["true"]),
                new Workload(context.Quick ? "20 × 1 MB of output" : "200 × 1 MB of output", context.Quick ? 20 : 200, "/dev/zero", ["head", "-c", "1000000"]),
            };
            var results = new List<Measurement>();
            foreach (var w in workloads)
            {
                var args = Path.Combine(dir, w.Argument.Replace('/', '_') + ".txt");
                await File.WriteAllLinesAsync(args, Enumerable.Repeat(w.Argument, w.Count), cancellationToken).ConfigureAwait(false);
                var tools = new List<(string Name, string File, string[] Argv)>
                {
                    ("yard", "dotnet", [yard, "run", "-j", "2", "-a", args, .. w.Command]),
                };
                if (xargs is not null) tools.Add(("xargs", xargs, ["-P", "2", "-n", "1", "-a", args, .. w.Command]));
                if (parallel is not null) tools.Add(("parallel", parallel, ["--will-cite", "-j", "2", "-a", args, .. w.Command]));

                // Interleaved rounds after a warm-up, so load on the machine hits every tool alike.
                var seconds = await Sampler.MedianSecondsAsync(context.Quick ? 1 : Repeats,
                    tools.Select(t => (Func<Task>)(() => RunToEndAsync(t.File, t.Argv, cancellationToken))).ToArray(),
                    cancellationToken).ConfigureAwait(false);
                var median = tools.Select((t, i) => (t.Name, Seconds: seconds[i])).ToDictionary(t => t.Name, t => t.Seconds);
                context.Note(string.Create(CultureInfo.InvariantCulture,
                    $"run: {w.Name}: {string.Join(", ", median.Select(m => $"{m.Key} {m.Value:F3} s"))}"));

                results.Add(new Measurement(Name, $"yard run -j 2, {w.Name} (wall time)", median["yard"], "s", Better.Lower,
                    "xargs -P 2", median.TryGetValue("xargs", out var x) ? x : null, "≤ 1.3"));
                results.Add(new Measurement(Name, $"yard run -j 2, {w.Name} (wall time)", median["yard"], "s", Better.Lower,
                    "GNU parallel -j 2", median.TryGetValue("parallel", out var p) ? p : null, "≤ 0.5"));
            }
            return results;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    // One run; output is drained the same way for every tool. A failing run is an error, not a figure.
    private static async Task RunToEndAsync(string file, string[] argv, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in argv) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        process.StandardInput.Close();
        var drainOut = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await Task.WhenAll(process.WaitForExitAsync(cancellationToken), drainOut, error).ConfigureAwait(false);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', argv)} exited with {process.ExitCode}: {await error.ConfigureAwait(false)}");
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private sealed record Workload(string Name, int Count, string Argument, string[] Command);
}
