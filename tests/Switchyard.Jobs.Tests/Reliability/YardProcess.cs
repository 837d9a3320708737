using System.Diagnostics;
using System.Threading.Channels;

namespace Switchyard.Jobs.Tests.Reliability;

/// <summary>A real <c>yard</c> process (dotnet yard.dll from this test's output), its output lines as they come.</summary>
public sealed class YardProcess : IDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly System.Text.StringBuilder _stderr = new();

    private YardProcess(Process process) => _process = process;

    public static string YardDll => Path.Combine(AppContext.BaseDirectory, "yard.dll");

    public static string HandlersAssembly => typeof(RecordExecutionHandler).Assembly.Location;

    public int Id => _process.Id;

    public StreamWriter Input => _process.StandardInput;

    public ChannelReader<string> Lines => _lines.Reader;

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    public static YardProcess Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(YardDll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var process = Process.Start(start)!;
        var yard = new YardProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) yard._lines.Writer.TryComplete();
            else yard._lines.Writer.TryWrite(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (yard._stderr) yard._stderr.AppendLine(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return yard;
    }

    /// <summary>kill -9: no chance to clean up.</summary>
    public void KillHard()
    {
        try { _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
        _process.WaitForExit();
    }

    public async Task<int> ExitCodeAsync()
    {
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    public async Task<string> ReadLineAsync() => await _lines.Reader.ReadAsync();

    public void Dispose()
    {
        KillHard();
        _process.Dispose();
    }
}
