namespace Switchyard.Processes.Children;

/// <summary>What a child process did: whether it started, whether it ran past its limit, its exit code and output.</summary>
internal sealed record ChildRun(bool Started, bool TimedOut, int ExitCode, string Output, string Error)
{
    /// <summary>The last line of stderr, for a one-line reason.</summary>
    public string LastErrorLine => Error.Trim().Split('\n')[^1];
}
