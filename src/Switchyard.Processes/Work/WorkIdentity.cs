using System.Reflection;
using System.Runtime.CompilerServices;
using Switchyard.Processes.Protocol;

namespace Switchyard.Processes.Work;

/// <summary>
/// Turns a delegate into the identity of its method, the only thing that can travel to another process.
/// Accepted: a static method, or a lambda that captures nothing (its target is the compiler's singleton, which
/// the worker finds again through its static field). Refused, with the reason: a closure (its captured state
/// would be lost), an instance method, a generic method, a method in an assembly with no file.
/// </summary>
internal static class WorkIdentity
{
    public static MethodRef Of(Delegate work, string parameter)
    {
        ArgumentNullException.ThrowIfNull(work, parameter);
        if (work.GetInvocationList().Length != 1)
            throw Refused(parameter, work.Method, "it is a multicast delegate");
        var method = work.Method;
        if (method.IsGenericMethod || method.DeclaringType is not { } type || type.ContainsGenericParameters || type.IsGenericType)
            throw Refused(parameter, method, "generic methods and methods of generic types are not supported");
        if (!method.IsStatic)
        {
            if (work.Target is null || !IsCaptureFreeSingleton(work.Target, type))
                throw Refused(parameter, method, work.Target is not null && type.IsDefined(typeof(CompilerGeneratedAttribute))
                    ? "it is a closure: it captures variables, and captured state cannot travel to a worker process"
                    : "it is an instance method: its object cannot travel to a worker process");
        }
        var assembly = type.Assembly;
        if (assembly.IsDynamic || string.IsNullOrEmpty(assembly.Location))
            throw Refused(parameter, method, $"its assembly {assembly.GetName().Name} has no file the worker could load");
        return new MethodRef(assembly.Location, type.FullName!, method.Name,
            [.. method.GetParameters().Select(p => p.ParameterType.FullName ?? p.ParameterType.Name)]);
    }

    // The compiler keeps capture-free lambdas on one instance of a nested "<>c" class, held in its static "<>9".
    private static bool IsCaptureFreeSingleton(object target, Type type) =>
        target.GetType() == type &&
        type.IsDefined(typeof(CompilerGeneratedAttribute)) &&
        type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).Length == 0 &&
        ReferenceEquals(type.GetField("<>9", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)?.GetValue(null), target);

    private static ArgumentException Refused(string parameter, MethodInfo method, string why) => new(
        $"The Process lane cannot run {method.DeclaringType?.Name}.{method.Name}: {why}. Work for a worker process must be a " +
        "static method (or a lambda that captures nothing) with one argument, its data passed as that argument.", parameter);
}
