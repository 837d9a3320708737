using System.Text.Json;
using Switchyard.Processes.Children;

namespace Switchyard.Bench;

/// <summary>
/// Runs a peer script from <see cref="BenchContext.PeersDirectory"/> (for example the Python asyncio peer)
/// with argv, never through a shell, and reads the one JSON object it prints.
/// </summary>
internal static class PeerScript
{
    /// <summary>How long a peer may run before it is killed. Default: 10 minutes.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Runs <paramref name="interpreter"/> <paramref name="script"/> <paramref name="arguments"/> and returns the
    /// JSON it printed; null, with a note in the log saying why, when the interpreter is not on PATH or the run fails.
    /// </summary>
    public static async Task<JsonElement?> RunAsync(BenchContext context, string interpreter, string script,
        IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var executable = FindOnPath(interpreter);
        if (executable is null)
        {
            context.Note($"{interpreter} not found on PATH: the {script} peer did not run, its baseline is empty.");
            return null;
        }
        var scriptPath = Path.Combine(context.PeersDirectory, script);
        if (!File.Exists(scriptPath))
        {
            context.Note($"peer script {scriptPath} is missing: its baseline is empty.");
            return null;
        }

        var run = await ChildProcess.RunAsync(executable, [scriptPath, .. arguments], Limit, cancellationToken).ConfigureAwait(false);
        if (run.TimedOut)
        {
            context.Note($"peer {script} ran longer than {Limit.TotalMinutes} minutes and was stopped: its baseline is empty.");
            return null;
        }
        if (!run.Started || run.ExitCode != 0)
        {
            context.Note($"peer {script} exited with {run.ExitCode}: {run.Error.Trim()}");
            return null;
        }
        var output = run.Output;
        try
        {
            using var document = JsonDocument.Parse(output);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            context.Note($"peer {script} printed no JSON object ({e.Message}): '{output.Trim()}'");
            return null;
        }
    }

    private static string? FindOnPath(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
