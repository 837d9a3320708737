namespace Switchyard.Cli.Run;

/// <summary>The --json summary printed at the end of a run.</summary>
internal sealed record RunSummary(long Jobs, long Succeeded, long Failed, long Skipped, long Resumed, bool Halted,
    double WallSeconds, int ExitCode);
