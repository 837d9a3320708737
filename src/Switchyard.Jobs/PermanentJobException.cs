namespace Switchyard.Jobs;

/// <summary>Thrown by a handler when retrying cannot help: the job goes to dead at once.</summary>
public sealed class PermanentJobException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PermanentJobException() { }

    /// <summary>Creates the exception with a message.</summary>
    public PermanentJobException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public PermanentJobException(string message, Exception innerException) : base(message, innerException) { }
}
