namespace Switchyard.Samples.ReportExport;

/// <summary>The body of <c>POST /reports</c>, and the job's payload.</summary>
internal sealed record ReportRequest
{
    public static readonly string[] Groupings = ["region", "product", "month"];
    public const int MaxRows = 50_000_000;

    /// <summary>What the report groups sales by: region, product or month. Default: region.</summary>
    public string GroupBy { get; init; } = "region";

    /// <summary>How many sales to summarise, 1 to <see cref="MaxRows"/>. Default: 2,000,000.</summary>
    public int Rows { get; init; } = 2_000_000;

    /// <summary>The data's seed. Default: 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The first broken rule, as "field: rule", or null when the request is valid.</summary>
    public (string Field, string Rule)? Problem() =>
        !Groupings.Contains(GroupBy) ? ("groupBy", $"must be one of {string.Join(", ", Groupings)}")
        : Rows is < 1 or > MaxRows ? ("rows", $"must be 1 to {MaxRows:N0}")
        : null;
}
