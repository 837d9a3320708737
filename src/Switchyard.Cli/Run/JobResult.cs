namespace Switchyard.Cli.Run;

/// <summary>How one job ended: its last attempt's exit code, the signal yard sent it (0: none), times, and captured output.</summary>
internal sealed class JobResult(Job job) : IDisposable
{
    public Job Job { get; } = job;

    /// <summary>True when the job never started because the run was halting.</summary>
    public bool Skipped { get; init; }

    public int ExitCode { get; set; }

    /// <summary>The signal yard sent (15 TERM, 9 KILL) after a timeout or a halt; 0 when it ended on its own.</summary>
    public int Signal { get; set; }

    public bool TimedOut { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset Start { get; set; }

    public TimeSpan Runtime { get; set; }

    /// <summary>Grouped output; null in --line-buffer mode, where output went out as it came.</summary>
    public SpillBuffer? Stdout { get; set; }

    public SpillBuffer? Stderr { get; set; }

    public long StdoutBytes { get; set; }

    public bool Failed => !Skipped && (ExitCode != 0 || Signal != 0 || TimedOut);

    public void Dispose()
    {
        Stdout?.Dispose();
        Stderr?.Dispose();
    }
}
