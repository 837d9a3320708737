using System.Diagnostics;
using System.Threading.Channels;

namespace Switchyard.Samples.Tests.MessageConsumer;

/// <summary>The sample as a real process (dotnet Switchyard.Samples.MessageConsumer.dll from this test's output), its lines as they come.</summary>
internal sealed class ConsumerProcess : IDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _all = [];

    private ConsumerProcess(Process process) => _process = process;

    /// <summary>Every line so far, stdout and stderr together.</summary>
    public string Output { get { lock (_all) return string.Join('\n', _all); } }

    public static ConsumerProcess Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Switchyard.Samples.MessageConsumer.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var consumer = new ConsumerProcess(Process.Start(start)!);
        consumer._process.OutputDataReceived += (_, e) => consumer.Add(e.Data);
        consumer._process.ErrorDataReceived += (_, e) => consumer.Add(e.Data);
        consumer._process.BeginOutputReadLine();
        consumer._process.BeginErrorReadLine();
        return consumer;
    }

    private void Add(string? line)
    {
        if (line is null) return;
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
            throw new TimeoutException($"The consumer printed no such line in time. Its output so far:\n{Output}");
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
            throw new TimeoutException($"The consumer did not finish in {timeout.TotalSeconds:0} s. Its output:\n{Output}");
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
