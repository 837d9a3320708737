namespace Switchyard.Jobs.Handlers.Shell;

/// <summary>The payload of a <c>shell</c> job: a command as an argv array, run without any shell.</summary>
public sealed class ShellPayload
{
    /// <summary>The executable (a name looked up in PATH, or a path) and its arguments, passed as they are.</summary>
    public IReadOnlyList<string> Argv { get; init; } = [];

    /// <summary>The working directory. Default: the worker's.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Environment variables set (or overridden) for the command. Default: none.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>Seconds before the command's whole process tree is killed. Default: the handler's (10 minutes).</summary>
    public double? TimeoutSeconds { get; init; }
}
