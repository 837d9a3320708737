using System.ComponentModel;
using System.Diagnostics;

namespace Switchyard.Processes.Children;

/// <summary>
/// Runs a program with argv (never a shell), collects stdout and stderr, and kills its whole tree when it runs past
/// a limit: how the lab and the bench runner start their peers (Python, Chromium). Not the worker pool, which keeps its
/// children alive and talks to them over sockets.
/// </summary>
internal static class ChildProcess
{
    public static async Task<ChildRun> RunAsync(string program, IEnumerable<string> arguments, TimeSpan limit, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception($"{program} did not start");
        }
        catch (Win32Exception e)
        {
            return new ChildRun(false, false, -1, "", e.Message);
        }
        using (process)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(limit);
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                cancellationToken.ThrowIfCancellationRequested();
                return new ChildRun(true, true, -1, "", "");
            }
            return new ChildRun(true, false, process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        }
    }
}
