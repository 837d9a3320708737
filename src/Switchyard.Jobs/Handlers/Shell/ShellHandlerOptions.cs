namespace Switchyard.Jobs.Handlers.Shell;

/// <summary>Options of the <c>shell</c> handler.</summary>
public sealed class ShellHandlerOptions
{
    /// <summary>
    /// The executables jobs may run: a bare name ("touch") allows that name looked up in PATH; an absolute path
    /// allows exactly that file. Default: empty, which turns the handler off (every shell job fails permanently).
    /// </summary>
    public IReadOnlyCollection<string> AllowedExecutables { get; init; } = [];

    /// <summary>The most bytes of stdout and of stderr kept in the result. Default: 64 KiB each.</summary>
    public int MaxOutputBytes { get; init; } = 64 * 1024;

    /// <summary>The timeout of a job that sets none. Default: 10 minutes.</summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromMinutes(10);
}
