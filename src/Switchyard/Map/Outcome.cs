using System.Runtime.ExceptionServices;

namespace Switchyard;

/// <summary>
/// The result of one item of a map: its value, or the exception it ended with. What <c>Outcomes()</c>
/// yields, like Python's <c>gather(return_exceptions=True)</c>.
/// </summary>
/// <typeparam name="T">The value's type.</typeparam>
public readonly record struct Outcome<T>
{
    internal Outcome(long index, T value, Exception? exception)
    {
        Index = index;
        Value = value;
        Exception = exception;
    }

    /// <summary>The item's position in the input, from 0.</summary>
    public long Index { get; }

    /// <summary>The value, when <see cref="Succeeded"/>; otherwise the default.</summary>
    public T Value { get; }

    /// <summary>The exception the item ended with, or null.</summary>
    public Exception? Exception { get; }

    /// <summary>True when the item produced a value.</summary>
    public bool Succeeded => Exception is null;

    /// <summary>Returns the value, or rethrows the item's exception with its original stack.</summary>
    public T GetValueOrThrow()
    {
        if (Exception is not null) ExceptionDispatchInfo.Throw(Exception);
        return Value;
    }
}
