using System.Text.Json;
using Switchyard.Processes.Children;

namespace Switchyard.Lab;

/// <summary>
/// Runs the embedded <c>lab_peer.py</c> (asyncio, threading, multiprocessing) as a child process with argv, never a
/// shell. When the interpreter is missing or the peer fails, the experiment goes on without its Python side and
/// the report says why.
/// </summary>
internal sealed class PythonPeer : IDisposable
{
    /// <summary>How long one peer call may run before it is killed. Default: 5 minutes.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    private readonly string _interpreter;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"switchyard-lab-{Environment.ProcessId}-{Guid.NewGuid():N}");
    private string? _script;
    private string? _missing;

    public PythonPeer(string interpreter) => _interpreter = interpreter;

    /// <summary>Python's version once a peer has run ("3.11.7"), else null.</summary>
    public string? Version { get; private set; }

    /// <summary>
    /// Runs experiment <paramref name="experiment"/> of the peer with <paramref name="parameters"/> (as JSON in argv);
    /// returns what it printed, or null after a note on <paramref name="context"/> saying why there is nothing.
    /// </summary>
    public async Task<JsonElement?> RunAsync(LabContext context, string experiment, object parameters)
    {
        if (_missing is not null)
        {
            context.Note(_missing);
            return null;
        }
        context.Step($"Python ({experiment})");
        var run = await ChildProcess.RunAsync(_interpreter, [Script(), experiment, JsonSerializer.Serialize(parameters)], Limit,
            context.CancellationToken).ConfigureAwait(false);
        if (!run.Started)
        {
            _missing = $"{_interpreter} not found: the Python side (asyncio, threading, multiprocessing) was not run.";
            context.Note(_missing);
            return null;
        }
        if (run.TimedOut)
        {
            context.Note($"the Python peer ({experiment}) ran longer than {Limit.TotalMinutes:0} minutes and was stopped.");
            return null;
        }
        if (run.ExitCode != 0)
        {
            context.Note($"the Python peer ({experiment}) exited with {run.ExitCode}: {run.LastErrorLine}");
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(run.Output);
            var root = document.RootElement.Clone();
            if (root.TryGetProperty("python", out var version)) Version = version.GetString();
            return root;
        }
        catch (JsonException e)
        {
            context.Note($"the Python peer ({experiment}) printed no JSON object ({e.Message}).");
            return null;
        }
    }

    private string Script()
    {
        if (_script is not null) return _script;
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, "lab_peer.py");
        using (var resource = typeof(PythonPeer).Assembly.GetManifestResourceStream("lab_peer.py")
                              ?? throw new InvalidOperationException("lab_peer.py is not embedded in Switchyard.Lab"))
        using (var file = File.Create(path))
            resource.CopyTo(file);
        return _script = path;
    }

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless; the run's result matters more.
        }
    }
}
