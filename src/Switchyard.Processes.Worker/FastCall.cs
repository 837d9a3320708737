using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Switchyard.Processes.Protocol;

namespace Switchyard.Processes.Worker;

/// <summary>
/// The common shape, a synchronous method of one argument with a result, called through a typed delegate:
/// no argument array, no boxing, no reflection per item. Tiny items spend most of their time here.
/// </summary>
internal abstract class FastCall
{
    /// <summary>Reads the argument from <paramref name="argument"/>, calls the method and writes its result.</summary>
    public abstract void Run(ReadOnlySpan<byte> argument, Utf8JsonWriter result);

    /// <summary>
    /// Runs every argument of a JSON array, writing the JSON array of results; failures are added to
    /// <paramref name="errors"/> by position (their result is the default value).
    /// </summary>
    public abstract void RunBatch(ReadOnlySpan<byte> arguments, Utf8JsonWriter results, List<(int Position, Exception Error)> errors, CancellationToken cancellationToken);

    /// <summary>A fast call for <paramref name="method"/>, or null when it has another shape.</summary>
    public static FastCall? For(MethodInfo method, object? target)
    {
        var parameters = method.GetParameters();
        if (parameters.Length != 1 || parameters[0].ParameterType == typeof(CancellationToken) || parameters[0].ParameterType.IsByRef) return null;
        var returns = method.ReturnType;
        if (returns == typeof(void) || typeof(Task).IsAssignableFrom(returns) ||
            (returns.IsGenericType && returns.GetGenericTypeDefinition() == typeof(ValueTask<>)) || returns == typeof(ValueTask) ||
            returns.IsByRef || returns.IsPointer || parameters[0].ParameterType.IsPointer)
            return null;
        var type = typeof(FastCall<,>).MakeGenericType(parameters[0].ParameterType, returns);
        return (FastCall)Activator.CreateInstance(type, method, target)!;
    }
}

internal sealed class FastCall<TArg, TResult>(MethodInfo method, object? target) : FastCall
{
    private readonly Func<TArg, TResult> _call = target is null
        ? method.CreateDelegate<Func<TArg, TResult>>()
        : method.CreateDelegate<Func<TArg, TResult>>(target);
    private readonly JsonTypeInfo<TArg> _argument = (JsonTypeInfo<TArg>)WireJson.Options.GetTypeInfo(typeof(TArg));
    private readonly JsonTypeInfo<TResult> _result = (JsonTypeInfo<TResult>)WireJson.Options.GetTypeInfo(typeof(TResult));
    private readonly JsonTypeInfo<TArg[]> _arguments = (JsonTypeInfo<TArg[]>)WireJson.Options.GetTypeInfo(typeof(TArg[]));
    private readonly JsonTypeInfo<TResult[]> _results = (JsonTypeInfo<TResult[]>)WireJson.Options.GetTypeInfo(typeof(TResult[]));

    public override void Run(ReadOnlySpan<byte> argument, Utf8JsonWriter result) =>
        JsonSerializer.Serialize(result, _call(JsonSerializer.Deserialize(argument, _argument)!), _result);

    public override void RunBatch(ReadOnlySpan<byte> arguments, Utf8JsonWriter results, List<(int Position, Exception Error)> errors, CancellationToken cancellationToken)
    {
        var args = JsonSerializer.Deserialize(arguments, _arguments) ?? [];
        var values = new TResult[args.Length];
        for (var i = 0; i < args.Length; i++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                errors.Add((i, new OperationCanceledException(cancellationToken)));
                continue;
            }
            try { values[i] = _call(args[i]); }
            catch (Exception e) when (e is not OutOfMemoryException) { errors.Add((i, e)); }
        }
        JsonSerializer.Serialize(results, values, _results);
    }
}
