namespace Switchyard.Processes.Protocol;

/// <summary>The worker's first words: who it is.</summary>
internal sealed record HelloMessage(int Pid);

/// <summary>
/// How the worker should behave: the initializer to run once, and whether to send each result as soon as it
/// exists (the pool then knows exactly which item was running when a timeout or a crash hits) or once per dispatch.
/// </summary>
internal sealed record InitMessage(MethodRef? Initializer, bool FlushEachItem);

/// <summary>An exception thrown by the work, as it travels back: type, message, remote stack trace.</summary>
internal sealed record RemoteError(string Type, string Message, string? StackTrace, string Detail);

/// <summary>
/// The identity of a static method (or a capture-free lambda's method, resolved through the compiler's
/// singleton): it travels instead of a delegate, so no closure state can be lost on the way.
/// </summary>
/// <param name="AssemblyPath">Where the worker loads the assembly from.</param>
/// <param name="TypeName">The declaring type's full name (nested types with '+').</param>
/// <param name="MethodName">The method's name.</param>
/// <param name="ParameterTypes">The parameters' full type names, to pick the right overload.</param>
internal sealed record MethodRef(string AssemblyPath, string TypeName, string MethodName, string[] ParameterTypes)
{
    public override string ToString() => $"{TypeName}.{MethodName}({string.Join(", ", ParameterTypes)})";

    public bool Equals(MethodRef? other) =>
        other is not null && AssemblyPath == other.AssemblyPath && TypeName == other.TypeName &&
        MethodName == other.MethodName && ParameterTypes.AsSpan().SequenceEqual(other.ParameterTypes);

    public override int GetHashCode() => HashCode.Combine(AssemblyPath, TypeName, MethodName, ParameterTypes.Length);
}
