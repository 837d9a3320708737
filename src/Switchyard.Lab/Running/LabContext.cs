using System.Text.Json;

namespace Switchyard.Lab;

/// <summary>What an experiment runs with: the size of the run, the Python peer, progress and notes.</summary>
internal sealed class LabContext
{
    private readonly List<string> _notes = [];
    private readonly IExperiment _experiment;
    private readonly ILabProgress _progress;
    private readonly PythonPeer _python;

    public LabContext(IExperiment experiment, bool quick, PythonPeer python, ILabProgress progress, CancellationToken cancellationToken)
    {
        _experiment = experiment;
        Quick = quick;
        _python = python;
        _progress = progress;
        CancellationToken = cancellationToken;
    }

    /// <summary>Smaller workloads.</summary>
    public bool Quick { get; }

    public CancellationToken CancellationToken { get; }

    public IReadOnlyList<string> Notes => _notes;

    /// <summary><paramref name="full"/> in a full run, <paramref name="quick"/> in a quick one.</summary>
    public T Pick<T>(T quick, T full) => Quick ? quick : full;

    public void Step(string step) => _progress.Step(_experiment, step);

    public void Note(string note)
    {
        if (!_notes.Contains(note)) _notes.Add(note);
    }

    /// <summary>Runs the Python side of this experiment; null (with a note saying why) when it could not run.</summary>
    public Task<JsonElement?> PythonAsync(string experiment, object parameters) => _python.RunAsync(this, experiment, parameters);

    /// <summary>A result of this experiment, with the notes taken while it ran.</summary>
    public ExperimentResult Result(Verdict verdict, string why, params LabChart[] charts) => new()
    {
        Number = _experiment.Number,
        Title = _experiment.Title,
        Claim = _experiment.Claim,
        Charts = charts,
        Verdict = verdict,
        Why = why,
        Notes = [.. _notes],
    };
}
