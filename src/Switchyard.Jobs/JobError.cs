namespace Switchyard.Jobs;

/// <summary>The last error a job's handler raised.</summary>
/// <param name="Type">The exception's type name.</param>
/// <param name="Message">The exception's message.</param>
/// <param name="StackTrace">The stack trace, when there is one.</param>
public sealed record JobError(string Type, string Message, string? StackTrace)
{
    /// <summary>Records <paramref name="exception"/>.</summary>
    public static JobError From(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new JobError(exception.GetType().FullName ?? exception.GetType().Name, exception.Message, exception.StackTrace);
    }
}
