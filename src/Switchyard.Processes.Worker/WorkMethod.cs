using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Switchyard.Processes.Protocol;

namespace Switchyard.Processes.Worker;

/// <summary>
/// A method the pool named, resolved in this process: how to bind its JSON argument, call it, await it and
/// know its result type.
/// </summary>
internal sealed class WorkMethod
{
    private static readonly ConcurrentDictionary<string, AssemblyDependencyResolver> Resolvers = new();
    private readonly MethodInfo _method;
    private readonly object? _target;
    private readonly Type[] _data;
    private readonly bool _takesToken;
    private readonly Func<object, Task>? _asTask;
    private readonly PropertyInfo? _taskResult;
    private readonly JsonTypeInfo? _single;

    private WorkMethod(MethodInfo method, object? target)
    {
        _method = method;
        _target = target;
        var parameters = method.GetParameters();
        _takesToken = parameters.Length > 0 && parameters[^1].ParameterType == typeof(CancellationToken);
        _data = [.. parameters.Take(parameters.Length - (_takesToken ? 1 : 0)).Select(p => p.ParameterType)];
        if (_data.Length == 1) _single = WireJson.Options.GetTypeInfo(_data[0]);
        var returns = method.ReturnType;
        if (returns == typeof(Task) || returns == typeof(ValueTask))
        {
            _asTask = returns == typeof(Task) ? o => (Task)o : o => ((ValueTask)o).AsTask();
            ResultType = null;
        }
        else if (returns.IsGenericType && (returns.GetGenericTypeDefinition() == typeof(Task<>) || returns.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            ResultType = returns.GetGenericArguments()[0];
            var taskType = typeof(Task<>).MakeGenericType(ResultType);
            _taskResult = taskType.GetProperty(nameof(Task<int>.Result));
            if (returns.GetGenericTypeDefinition() == typeof(Task<>))
                _asTask = o => (Task)o;
            else
            {
                var asTask = returns.GetMethod(nameof(ValueTask<int>.AsTask))!;
                _asTask = o => (Task)asTask.Invoke(o, null)!;
            }
        }
        else
        {
            ResultType = returns == typeof(void) ? null : returns;
        }
        ResultInfo = WireJson.Options.GetTypeInfo(ResultType ?? typeof(object));
        Fast = FastCall.For(method, target);
    }

    /// <summary>A typed call for the common shape (sync, one argument, a result); null for the others.</summary>
    public FastCall? Fast { get; }

    /// <summary>How the result is written (resolved once: it is the hot path of tiny items).</summary>
    public JsonTypeInfo ResultInfo { get; }

    /// <summary>The type the result is written as; null when the method returns nothing.</summary>
    public Type? ResultType { get; }

    public override string ToString() => $"{_method.DeclaringType?.FullName}.{_method.Name}";

    /// <summary>Loads the assembly (its dependencies resolved from its own folder and deps.json) and finds the method.</summary>
    public static WorkMethod Resolve(MethodRef reference)
    {
        var assembly = Load(reference.AssemblyPath);
        var type = assembly.GetType(reference.TypeName, throwOnError: true)!;
        var method = type.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
            .FirstOrDefault(m => m.Name == reference.MethodName &&
                                 m.GetParameters().Select(p => p.ParameterType.FullName ?? p.ParameterType.Name).SequenceEqual(reference.ParameterTypes))
            ?? throw new MissingMethodException($"No method {reference} in {reference.AssemblyPath}.");
        object? target = null;
        if (!method.IsStatic)
        {
            // A capture-free lambda lives on the compiler's singleton, kept in the static field "<>9".
            target = type.GetField("<>9", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)?.GetValue(null)
                ?? throw new MissingMethodException($"{reference} is an instance method; only static methods and capture-free lambdas can run in a worker.");
        }
        return new WorkMethod(method, target);
    }

    /// <summary>Calls the method with the argument read from <paramref name="json"/> and returns its (awaited) result.</summary>
    public async ValueTask<object?> InvokeAsync(ReadOnlyMemory<byte> json, CancellationToken cancellationToken)
    {
        var args = new object?[_data.Length + (_takesToken ? 1 : 0)];
        if (_single is not null)
            args[0] = JsonSerializer.Deserialize(json.Span, _single);
        else if (_data.Length > 1)
        {
            // Several parameters (a starmap): the argument is a JSON array, one element per parameter.
            using var document = JsonDocument.Parse(json);
            var i = 0;
            foreach (var element in document.RootElement.EnumerateArray())
            {
                if (i == _data.Length) break;
                args[i] = element.Deserialize(_data[i], WireJson.Options);
                i++;
            }
        }
        if (_takesToken) args[^1] = cancellationToken;

        var result = _method.Invoke(_target, BindingFlags.DoNotWrapExceptions, null, args, null);
        if (_asTask is null) return result;
        var task = _asTask(result!);
        await task.ConfigureAwait(false);
        return _taskResult?.GetValue(task);
    }

    private static Assembly Load(string path)
    {
        path = Path.GetFullPath(path);
        var loaded = AssemblyLoadContext.Default.Assemblies.FirstOrDefault(a => !a.IsDynamic && string.Equals(a.Location, path, StringComparison.Ordinal));
        if (loaded is not null) return loaded;
        if (Resolvers.TryAdd(path, new AssemblyDependencyResolver(path)))
        {
            var resolver = Resolvers[path];
            AssemblyLoadContext.Default.Resolving += (context, name) =>
                resolver.ResolveAssemblyToPath(name) is { } found ? context.LoadFromAssemblyPath(found) : null;
            AssemblyLoadContext.Default.ResolvingUnmanagedDll += (_, name) =>
                resolver.ResolveUnmanagedDllToPath(name) is { } found ? System.Runtime.InteropServices.NativeLibrary.Load(found) : IntPtr.Zero;
        }
        return AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
    }
}
