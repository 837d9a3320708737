namespace Switchyard.Jobs;

/// <summary>Bad input refused at the edge; nothing was stored. The message reads "field: rule".</summary>
public sealed class JobValidationException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public JobValidationException() { }

    /// <summary>Creates the exception with a message.</summary>
    public JobValidationException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public JobValidationException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Refuses <paramref name="field"/> for breaking <paramref name="rule"/>.</summary>
    public JobValidationException(string field, string rule, Exception? innerException)
        : base($"{field}: {rule}", innerException) => Field = field;

    /// <summary>The field that broke a rule (kind, payload, queue, delay, maxAttempts, key, cron, or a payload field such as argv).</summary>
    public string? Field { get; }
}
