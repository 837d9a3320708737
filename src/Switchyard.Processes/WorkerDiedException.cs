namespace Switchyard.Processes;

/// <summary>The worker process running an item died (killed, crashed, out of memory, stack overflow) before answering.</summary>
public sealed class WorkerDiedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkerDiedException() : this("A worker process died.") { }

    /// <summary>Creates the exception with a message.</summary>
    public WorkerDiedException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public WorkerDiedException(string message, Exception innerException) : base(message, innerException) { }

    internal WorkerDiedException(int pid, int? exitCode, string how)
        : base($"Worker process {pid} died: {how}.")
    {
        Pid = pid;
        ExitCode = exitCode;
    }

    /// <summary>The worker's process id.</summary>
    public int Pid { get; }

    /// <summary>The worker's exit code (128 + the signal number when a signal killed it on Unix); null if unknown.</summary>
    public int? ExitCode { get; }
}
