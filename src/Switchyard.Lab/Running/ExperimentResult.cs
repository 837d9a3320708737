namespace Switchyard.Lab;

/// <summary>What one experiment measured and what that says about its claim.</summary>
internal sealed class ExperimentResult
{
    public required int Number { get; init; }
    public required string Title { get; init; }
    public required string Claim { get; init; }
    public required IReadOnlyList<LabChart> Charts { get; init; }
    public required Verdict Verdict { get; init; }

    /// <summary>Why the verdict: the numbers it rests on, and what explains a difference from the claim.</summary>
    public required string Why { get; init; }

    /// <summary>What the reader should know about how it ran (a peer that was missing, a fallback taken).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>How long the experiment took, peers included.</summary>
    public TimeSpan Elapsed { get; set; }
}
