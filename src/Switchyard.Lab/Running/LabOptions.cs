namespace Switchyard.Lab;

/// <summary>What <c>yard lab</c> runs and where it writes.</summary>
internal sealed class LabOptions
{
    /// <summary>Smaller workloads (the whole lab in well under a minute on 2 cores). Default: false.</summary>
    public bool Quick { get; init; }

    /// <summary>The experiment numbers to run, in this order. Default: empty, meaning all of them.</summary>
    public IReadOnlyList<int> Only { get; init; } = [];

    /// <summary>The Python interpreter for the peers, looked up on PATH. Default: "python3".</summary>
    public string Python { get; init; } = "python3";

    /// <summary>The browser that renders the charts to PNG for report.md. Default: "/usr/bin/chromium".</summary>
    public string Chromium { get; init; } = "/usr/bin/chromium";
}
