using System.Diagnostics;
using System.Threading.Channels;

namespace Switchyard.Samples.Tests;

/// <summary>A sample program as a real process (<c>dotnet X.dll</c> from the sample's own output folder), its lines as they come.</summary>
internal sealed class SampleProcess : IDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _all = [];

    private SampleProcess(Process process) => _process = process;

    /// <summary>Every line so far, stdout and stderr together.</summary>
    public string Output { get { lock (_all) return string.Join('\n', _all); } }

    /// <summary>
    /// Starts samples/<paramref name="folder"/>/bin/{configuration}/{framework}/<paramref name="assembly"/>.dll, built with this
    /// project (the copy in this project's output would resolve its packages against this project's frameworks).
    /// </summary>
    public static SampleProcess Start(string folder, string assembly, params string[] args)
    {
        var start = new ProcessStartInfo(Support.SampleExecutable.DotnetHost()) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Dll(folder, assembly));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var sample = new SampleProcess(Process.Start(start)!);
        sample._process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) sample._lines.Writer.TryComplete();   // stdout ended: the program is exiting
            else sample.Add(e.Data);
        };
        sample._process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) sample.Add(e.Data);
        };
        sample._process.BeginOutputReadLine();
        sample._process.BeginErrorReadLine();
        return sample;
    }

    /// <summary>A sample's built program in its own output folder.</summary>
    internal static string Dll(string folder, string assembly)
    {
        var bin = typeof(SampleProcess).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "SamplesBin").Value!;
        return Switchyard.Testing.RepositoryFiles.Find(Path.Combine("samples", folder, bin, assembly + ".dll"));
    }

    private void Add(string line)
    {
        lock (_all) _all.Add(line);
        _lines.Writer.TryWrite(line);
    }

    /// <summary>Reads lines until one matches; fails after <see cref="Switchyard.Testing.Signal.Patience"/> or when the process ends first.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Switchyard.Testing.Signal.Patience);
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(cts.Token).AsTask().WaitAsync(cts.Token);
                if (match(line)) return line;
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The program printed no such line in time. Its output so far:\n{Output}");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"The program ended without printing such a line. Its output:\n{Output}");
        }
    }

    public async Task<int> ExitCodeAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The program did not finish in {timeout.TotalSeconds:0} s. Its output:\n{Output}");
        }
        return _process.ExitCode;
    }

    /// <summary>kill -9: no chance to ack, close or clean up.</summary>
    public void KillHard()
    {
        try { _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
        _process.WaitForExit();
    }

    public void Dispose()
    {
        KillHard();
        _process.Dispose();
    }
}
