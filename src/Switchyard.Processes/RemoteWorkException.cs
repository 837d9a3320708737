namespace Switchyard.Processes;

/// <summary>The work threw in its worker process: the remote exception's type name, message and stack trace.</summary>
public sealed class RemoteWorkException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RemoteWorkException() : this("The work failed in a worker process.") { }

    /// <summary>Creates the exception with a message.</summary>
    public RemoteWorkException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public RemoteWorkException(string message, Exception innerException) : base(message, innerException) { }

    internal RemoteWorkException(string remoteType, string remoteMessage, string? remoteStackTrace, string remoteDetail)
        : base($"{remoteType}: {remoteMessage}")
    {
        RemoteType = remoteType;
        RemoteMessage = remoteMessage;
        RemoteStackTrace = remoteStackTrace;
        RemoteDetail = remoteDetail;
    }

    /// <summary>The full type name of the exception the work threw, for example <c>System.InvalidOperationException</c>.</summary>
    public string RemoteType { get; } = "";

    /// <summary>The remote exception's message.</summary>
    public string RemoteMessage { get; } = "";

    /// <summary>The stack trace in the worker, where the work threw.</summary>
    public string? RemoteStackTrace { get; }

    /// <summary>The remote exception's <see cref="Exception.ToString"/>, inner exceptions included.</summary>
    public string RemoteDetail { get; } = "";

    /// <inheritdoc/>
    public override string ToString() => $"{base.ToString()}{Environment.NewLine}--- remote ---{Environment.NewLine}{RemoteDetail}";
}
