using System.Diagnostics;
using Switchyard.Cli;
using Switchyard.Testing;

namespace Switchyard.Tests.Run;

/// <summary>A temp folder per test, and ways to run <c>yard run</c>: in-process with captured output, or as a real process.</summary>
internal sealed class RunFixture : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("yard-run-").FullName;

    public string PathOf(string name) => Path.Combine(Dir, name);

    public string Write(string name, string text)
    {
        File.WriteAllText(PathOf(name), text);
        return PathOf(name);
    }

    /// <summary>
    /// A named pipe for two jobs to meet at: a job that opens it waits until the other end is opened too, so one job
    /// can wait for another without polling. Made with coreutils' mkfifo (.NET has no API for it).
    /// </summary>
    public string Fifo(string name)
    {
        using var mkfifo = Process.Start("mkfifo", [PathOf(name)]);
        if (!mkfifo.WaitForExit(Signal.Patience) || mkfifo.ExitCode != 0) throw new InvalidOperationException($"mkfifo {PathOf(name)} failed");
        return PathOf(name);
    }

    public static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await YardCli.RunAsync(["run", .. args], output, error).Within();
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Starts <c>dotnet yard.dll run ARGS</c> (yard.dll is copied beside the tests) in <see cref="Dir"/>.</summary>
    public Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Dir,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "yard.dll"));
        info.ArgumentList.Add("run");
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    /// <summary>Runs a real yard process to the end with <paramref name="stdin"/> as its input.</summary>
    public async Task<(int Code, string Out, string Err)> RunProcessAsync(string stdin, params string[] args)
    {
        using var p = Start(args);
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        await p.StandardInput.WriteAsync(stdin);
        p.StandardInput.Close();
        await p.WaitForExitAsync().Within(TimeSpan.FromSeconds(60));
        return (p.ExitCode, await output, await error);
    }

    public static bool IsAlive(int pid) => File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2].Equals("Z", StringComparison.Ordinal);

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
