namespace Switchyard.Bench;

/// <summary>Whether a larger or a smaller value of a figure is better.</summary>
public enum Better
{
    /// <summary>Smaller is better (times, bytes).</summary>
    Lower,
    /// <summary>Larger is better (throughput, speedup).</summary>
    Higher,
}

/// <summary>One figure beside the baseline it is compared with, measured in the same run.</summary>
/// <param name="Suite">The suite's name.</param>
/// <param name="Name">What was measured, for example "Io lane wall time, 100,000 × 100 ms waits".</param>
/// <param name="Value">Switchyard's figure.</param>
/// <param name="Unit">The unit of both values (s, ms, bytes, items/s, x).</param>
/// <param name="Better">Whether lower or higher is better.</param>
/// <param name="Baseline">What the figure is compared with, for example "raw Task.WhenAll".</param>
/// <param name="BaselineValue">The baseline's figure; null when the baseline could not run here (say why in the log).</param>
/// <param name="Target">
/// The goal for <see cref="Ratio"/>, as text: an operator (≤, ≥, &lt;, &gt;, &lt;=, &gt;=) and a number, for example
/// "≤ 1.15"; null when there is none. The runner checks it (<see cref="TargetMet"/>).
/// </param>
public sealed record Measurement(
    string Suite, string Name, double Value, string Unit, Better Better, string Baseline, double? BaselineValue,
    string? Target = null)
{
    /// <summary><see cref="Value"/> / <see cref="BaselineValue"/>; null without a baseline value.</summary>
    public double? Ratio => BaselineValue is { } b && b != 0 ? Value / b : null;

    /// <summary>Whether <see cref="Ratio"/> meets <see cref="Target"/>; null without a target or a ratio.</summary>
    /// <exception cref="FormatException">The target is not an operator and a number.</exception>
    public bool? TargetMet() => Target is null || Ratio is not { } ratio ? null : TargetRule.IsMet(Target, ratio);
}
