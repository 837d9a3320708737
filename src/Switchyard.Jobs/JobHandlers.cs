using System.Reflection;

namespace Switchyard.Jobs;

/// <summary>The handlers a worker runs and a client accepts, by kind.</summary>
public sealed class JobHandlers
{
    private readonly Dictionary<string, IJobHandler> _byKind = new(StringComparer.Ordinal);

    /// <summary>The registered kinds.</summary>
    public IReadOnlyCollection<string> Kinds => _byKind.Keys;

    /// <summary>Registers a handler class.</summary>
    /// <exception cref="ArgumentException">The kind is empty or already registered.</exception>
    public JobHandlers Add(IJobHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (string.IsNullOrWhiteSpace(handler.Kind))
            throw new ArgumentException("A handler's Kind must not be empty.", nameof(handler));
        if (!_byKind.TryAdd(handler.Kind, handler))
            throw new ArgumentException($"A handler for kind '{handler.Kind}' is already registered.", nameof(handler));
        return this;
    }

    /// <summary>Registers a delegate with a typed payload.</summary>
    public JobHandlers Add<TPayload>(string kind, Func<TPayload, JobContext, CancellationToken, ValueTask<object?>> run, HandlerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Add(new DelegateHandler<TPayload>(kind, run, options ?? new HandlerOptions()));
    }

    /// <summary>
    /// Registers every public, non-abstract <see cref="IJobHandler"/> class with a public parameterless
    /// constructor found in <paramref name="assembly"/> (how <c>yard worker --handlers-assembly</c> loads handlers).
    /// Returns the kinds added.
    /// </summary>
    public IReadOnlyList<string> AddFrom(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var added = new List<string>();
        foreach (var type in assembly.GetExportedTypes())
        {
            if (type.IsAbstract || type.IsGenericTypeDefinition || !IsHandler(type) || type.GetConstructor(Type.EmptyTypes) is null)
                continue;
            var handler = (IJobHandler)Activator.CreateInstance(type)!;
            Add(handler);
            added.Add(handler.Kind);
        }
        return added;
    }

    // A type whose interfaces live in an assembly that is not there (say, a test framework) is not a handler.
    private static bool IsHandler(Type type)
    {
        try
        {
            return typeof(IJobHandler).IsAssignableFrom(type);
        }
        catch (Exception e) when (e is TypeLoadException or FileNotFoundException or FileLoadException)
        {
            return false;
        }
    }

    /// <summary>Finds the handler of <paramref name="kind"/>.</summary>
    public bool TryGet(string kind, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IJobHandler? handler) =>
        _byKind.TryGetValue(kind, out handler);

    private sealed class DelegateHandler<TPayload>(string kind, Func<TPayload, JobContext, CancellationToken, ValueTask<object?>> run,
        HandlerOptions options) : JobHandler<TPayload>
    {
        public override string Kind => kind;
        public override LaneKind Lane => options.Lane;
        public override int? MaxAttempts => options.MaxAttempts;
        public override TimeSpan? Backoff(int attempt) => options.Backoff?.Invoke(attempt);
        public override ValueTask<object?> RunAsync(TPayload payload, JobContext context, CancellationToken cancellationToken) =>
            run(payload, context, cancellationToken);
    }
}
