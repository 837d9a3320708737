using System.Diagnostics;

namespace Switchyard.Testing;

/// <summary>The repository's server scripts (tests/pg-server.sh, tests/rabbitmq-server.sh), run as a test needs them.</summary>
public static class ServerScripts
{
    /// <summary>
    /// Runs <c>tests/<paramref name="script"/> <paramref name="verb"/></c> (argv, no shell) with <paramref name="environment"/>
    /// added, and returns its standard output.
    /// </summary>
    /// <exception cref="InvalidOperationException">The script failed; the message holds its output.</exception>
    public static async Task<string> RunAsync(string script, string verb, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var start = new ProcessStartInfo(RepositoryFiles.Find(Path.Combine("tests", script)))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(verb);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{script} {verb} failed ({process.ExitCode}): {await stdout}{await stderr}");
        return await stdout;
    }
}
