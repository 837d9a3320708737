namespace Switchyard.Samples.VectorSearch;

/// <summary>The body of <c>POST /search</c>.</summary>
internal sealed record SearchRequest(float[]? Vector, int K = 10)
{
    public const int MaxK = 100;

    /// <summary>The first broken rule as (field, message), or null when the request is valid for <paramref name="dimensions"/>.</summary>
    public (string Field, string Message)? Problem(int dimensions) =>
        Vector is null || Vector.Length != dimensions ? ("vector", $"vector must hold exactly {dimensions} numbers.")
        : !Vector.All(float.IsFinite) ? ("vector", "vector must hold finite numbers only.")
        : Vector.All(x => x == 0) ? ("vector", "vector must not be all zeros (it has no direction).")
        : K is < 1 or > MaxK ? ("k", $"k must be 1 to {MaxK}.")
        : null;
}

/// <summary>The answer of <c>POST /search</c>: the best hits, best first.</summary>
internal sealed record SearchResponse(SearchHit[] Hits);
