namespace Switchyard;

/// <summary>What a scope does when a child fails.</summary>
public enum ScopeFailureMode
{
    /// <summary>The first failure cancels every sibling (Trio's nursery, asyncio's TaskGroup).</summary>
    CancelSiblings,
    /// <summary>Siblings run on; every failure is collected and reported at the end.</summary>
    CollectAll,
}

/// <summary>Options of a <see cref="Scope"/>.</summary>
public sealed class ScopeOptions
{
    /// <summary>What a child's failure does to its siblings. Default: <see cref="ScopeFailureMode.CancelSiblings"/>.</summary>
    public ScopeFailureMode OnFailure { get; init; } = ScopeFailureMode.CancelSiblings;

    /// <summary>A name for the scope's activity (<c>switchyard.scope</c>). Default: null.</summary>
    public string? Name { get; init; }

    internal static readonly ScopeOptions Default = new();
}
