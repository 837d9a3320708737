namespace Switchyard.Bench;

/// <summary>The suites <c>yard bench</c> knows, in the order <c>--help</c> lists them.</summary>
internal static class BenchSuites
{
    /// <summary>Every suite; one line each.</summary>
    public static IReadOnlyList<IBenchSuite> All { get; } =
    [
        new IoSuite(),
        new CpuSuite(),
        new AutoSuite(),
        new ProcessSuite(),
        new QueueSuite(),
        new PgSuite(),
        new RunSuite(),
        new ServerSuite(),
    ];

    /// <summary>The suite called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static IBenchSuite? Find(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The known names, comma-separated, for error messages.</summary>
    public static string KnownNames => string.Join(", ", All.Select(s => s.Name));
}
