namespace Switchyard.Jobs.Handlers.Shell;

/// <summary>What a <c>shell</c> job stores as its result.</summary>
/// <param name="ExitCode">The exit code (0).</param>
/// <param name="Stdout">Standard output, at most <see cref="ShellHandlerOptions.MaxOutputBytes"/> bytes.</param>
/// <param name="Stderr">Standard error, at most <see cref="ShellHandlerOptions.MaxOutputBytes"/> bytes.</param>
/// <param name="StdoutBytes">How many bytes the command wrote to standard output in all.</param>
/// <param name="StderrBytes">How many bytes it wrote to standard error in all.</param>
/// <param name="DurationMs">Wall time, in milliseconds.</param>
public sealed record ShellResult(int ExitCode, string Stdout, string Stderr, long StdoutBytes, long StderrBytes, double DurationMs);
