using Switchyard.Lab;
using Switchyard.Lab.Report;
using Switchyard.Testing;

namespace Switchyard.Lab.Tests;

/// <summary>
/// Runs the whole lab once in quick mode (every experiment, Python peers included) and writes its report to a temp
/// folder; the sign tests, the report tests and the browser test all read that one run.
/// </summary>
public sealed class LabFixture : IAsyncLifetime
{
    internal LabReport Report { get; private set; } = null!;
    internal RecordingProgress Progress { get; } = new();
    internal string? ImageProblem { get; private set; }
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"switchyard-lab-tests-{Guid.NewGuid():N}");

    public async Task InitializeAsync()
    {
        Report = await LabRunner.RunAsync(new LabOptions { Quick = true }, Progress, CancellationToken.None).Within(TimeSpan.FromMinutes(8));
        ImageProblem = await ReportWriter.WriteAsync(Report, Directory, new LabOptions().Chromium, CancellationToken.None).Within(TimeSpan.FromMinutes(3));
    }

    internal ExperimentResult Result(int number) => Report.Results.Single(r => r.Number == number);

    public Task DisposeAsync()
    {
        if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>The lab measures the machine: its tests run one class at a time, never beside each other.</summary>
[CollectionDefinition(Name)]
public sealed class LabCollection : ICollectionFixture<LabFixture>
{
    public const string Name = "lab";
}

/// <summary>What the runner reported while it ran.</summary>
internal sealed class RecordingProgress : ILabProgress
{
    private readonly List<string> _events = [];

    public IReadOnlyList<string> Events
    {
        get { lock (_events) return [.. _events]; }
    }

    public void Started(IExperiment experiment, int index, int count) => Add($"start {experiment.Number}");

    public void Step(IExperiment experiment, string step) => Add($"step {experiment.Number} {step}");

    public void Finished(IExperiment experiment, ExperimentResult result) => Add($"finish {experiment.Number}");

    private void Add(string e)
    {
        lock (_events) _events.Add(e);
    }
}
