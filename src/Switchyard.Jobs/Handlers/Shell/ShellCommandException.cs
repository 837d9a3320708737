namespace Switchyard.Jobs.Handlers.Shell;

/// <summary>A shell job's command exited with a non-zero code (the attempt fails and is retried).</summary>
public sealed class ShellCommandException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ShellCommandException() { }

    /// <summary>Creates the exception with a message.</summary>
    public ShellCommandException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ShellCommandException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for an exit code and the tail of stderr.</summary>
    public ShellCommandException(int exitCode, string stderrTail)
        : base($"The command exited with code {exitCode}." + (stderrTail.Length > 0 ? $" stderr: {stderrTail}" : "")) => ExitCode = exitCode;

    /// <summary>The command's exit code.</summary>
    public int ExitCode { get; }
}
