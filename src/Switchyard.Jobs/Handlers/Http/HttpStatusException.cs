namespace Switchyard.Jobs.Handlers.Http;

/// <summary>An <c>http</c> job got a status it did not expect (the attempt fails and is retried).</summary>
public sealed class HttpStatusException : Exception
{
    /// <summary>Creates the exception.</summary>
    public HttpStatusException() { }

    /// <summary>Creates the exception with a message.</summary>
    public HttpStatusException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public HttpStatusException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for a status.</summary>
    public HttpStatusException(int status, string expected, string bodyStart)
        : base($"The response status {status} is not the expected {expected}." + (bodyStart.Length > 0 ? $" Body: {bodyStart}" : "")) => Status = status;

    /// <summary>The status received.</summary>
    public int Status { get; }
}
