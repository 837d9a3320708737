namespace Switchyard.Lab;

/// <summary>A finished lab run: what ran where, and every experiment's result.</summary>
internal sealed class LabReport
{
    public required IReadOnlyList<ExperimentResult> Results { get; init; }
    public required bool Quick { get; init; }
    public required DateTimeOffset Started { get; init; }
    public required TimeSpan Elapsed { get; init; }

    /// <summary>The machine, as "key: value" lines (cores, OS, .NET, Python).</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Machine { get; init; }
}
