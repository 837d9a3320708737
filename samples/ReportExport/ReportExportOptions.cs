namespace Switchyard.Samples.ReportExport;

/// <summary>How the app is set up. Command-line settings (<c>--store</c>, <c>--files</c>) override these defaults.</summary>
internal sealed class ReportExportOptions
{
    /// <summary>The SQLite file of the job queue. Default: switchyard-samples/reports.db in the temporary folder.</summary>
    public string Store { get; init; } = Path.Combine(Path.GetTempPath(), "switchyard-samples", "reports.db");

    /// <summary>The folder built reports are written to. Default: switchyard-samples/reports in the temporary folder.</summary>
    public string Files { get; init; } = Path.Combine(Path.GetTempPath(), "switchyard-samples", "reports");

    /// <summary>How many reports are built at once. Default: 2.</summary>
    public int Workers { get; init; } = 2;

    /// <summary>
    /// Awaited after each progress report of a build. Default: none. The tests hold a build here to see it half done;
    /// an app could throttle builds the same way.
    /// </summary>
    public Func<ReportProgress, CancellationToken, ValueTask>? AfterProgress { get; init; }
}
