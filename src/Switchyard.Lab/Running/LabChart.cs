namespace Switchyard.Lab;

/// <summary>
/// One chart of an experiment: categories on the x axis, one series per contender (Switchyard, raw .NET, Python ...),
/// a value or a gap (not measured) for each. It is also the experiment's table in the Markdown report.
/// </summary>
internal sealed class LabChart(string title, string unit)
{
    private readonly List<string> _labels = [];
    private readonly List<(string Name, Dictionary<string, double> Values)> _series = [];

    public string Title { get; } = title;

    /// <summary>The unit of every value ("s", "bytes", "µs", "items/s").</summary>
    public string Unit { get; } = unit;

    /// <summary>Values span orders of magnitude: draw the y axis logarithmic.</summary>
    public bool LogScale { get; init; }

    /// <summary>Draw lines through the points (the x axis is a progression) instead of grouped bars.</summary>
    public bool Line { get; init; }

    public IReadOnlyList<string> Labels => _labels;

    /// <summary>The series in the same order on every chart (Switchyard, raw .NET, Python), whatever order they were measured in.</summary>
    public IEnumerable<string> SeriesNames => _series.Select(s => s.Name).OrderBy(Rank);

    private static int Rank(string series) => series switch
    {
        Contender.Switchyard => 0,
        Contender.Dotnet => 1,
        Contender.Python => 2,
        _ => 3,
    };

    /// <summary>Records <paramref name="value"/> of <paramref name="series"/> at <paramref name="label"/>; both keep first-seen order.</summary>
    public LabChart Set(string series, string label, double value)
    {
        if (!_labels.Contains(label)) _labels.Add(label);
        var index = _series.FindIndex(s => s.Name == series);
        if (index < 0)
        {
            _series.Add((series, []));
            index = _series.Count - 1;
        }
        _series[index].Values[label] = value;
        return this;
    }

    /// <summary>The value of <paramref name="series"/> at <paramref name="label"/>, or null when it was not measured.</summary>
    public double? Get(string series, string label) =>
        _series.FirstOrDefault(s => s.Name == series).Values?.TryGetValue(label, out var value) == true ? value : null;

    /// <summary>One value (or null) per label, in label order.</summary>
    public IReadOnlyList<double?> Values(string series) => [.. _labels.Select(label => Get(series, label))];
}
