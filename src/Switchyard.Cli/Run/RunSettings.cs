namespace Switchyard.Cli.Run;

/// <summary>Everything <c>yard run</c> was asked to do, checked. Defaults are the option defaults of <c>yard run</c>.</summary>
internal sealed record RunSettings
{
    /// <summary>Template words (before the first ::: or ::::); empty: each input line is a command.</summary>
    public IReadOnlyList<string> TemplateWords { get; init; } = [];

    /// <summary>Input sources from the command line: each a literal ::: list or a :::: file. Empty: <see cref="ArgFile"/> or stdin.</summary>
    public IReadOnlyList<InputSource> Sources { get; init; } = [];

    /// <summary>-a FILE: read input lines from this file instead of stdin. Default: null (stdin).</summary>
    public string? ArgFile { get; init; }

    /// <summary>How many jobs run at once. Default: the number of cores.</summary>
    public int Jobs { get; init; } = Environment.ProcessorCount;

    /// <summary>Run each job as /bin/sh -c COMMAND. Default: false (argv, no shell).</summary>
    public bool Shell { get; init; }

    /// <summary>Per-attempt timeout; the job's process group gets TERM, then KILL after <see cref="KillGrace"/>. Default: null (none).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Time between TERM and KILL on a timeout or halt. Default: 2 s.</summary>
    public TimeSpan KillGrace { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Extra attempts for a failing job. Default: 0.</summary>
    public int Retries { get; init; }

    /// <summary>When to stop. Default: never.</summary>
    public HaltPolicy Halt { get; init; } = HaltPolicy.Never;

    /// <summary>Least time between two job starts. Default: zero.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Print output in input order. Default: false (as jobs finish).</summary>
    public bool KeepOrder { get; init; }

    /// <summary>Prefix each output line with the job's arguments and a tab. Default: false.</summary>
    public bool Tag { get; init; }

    /// <summary>Pass whole lines through as they come instead of grouping per job. Default: false.</summary>
    public bool LineBuffer { get; init; }

    /// <summary>Joblog path (GNU parallel's columns). Default: null (none).</summary>
    public string? JobLog { get; init; }

    /// <summary>Skip jobs already in the joblog. Default: false.</summary>
    public bool Resume { get; init; }

    /// <summary>Skip jobs the joblog shows succeeded; run failed and missing ones. Default: false.</summary>
    public bool ResumeFailed { get; init; }

    /// <summary>Show progress on stderr. Default: false.</summary>
    public bool Progress { get; init; }

    /// <summary>Print a JSON summary on stdout at the end. Default: false.</summary>
    public bool Json { get; init; }

    /// <summary>Bytes of one job's stdout (and of its stderr) kept in memory before spilling to a temp file. Default: 1 MiB.</summary>
    public int MemoryBufferBytes { get; init; } = 1 << 20;
}

/// <summary>One input source: a literal list (:::) or a file (::::) read line by line.</summary>
internal sealed record InputSource(IReadOnlyList<string>? Values, string? File);
