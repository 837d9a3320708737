namespace Switchyard.WebAssets;

/// <summary>Chart.js (npm, MIT), embedded at build time: pages served or written by Switchyard inline or serve it.</summary>
internal static class ChartLibrary
{
    /// <summary>The resource name and the file name pages refer to.</summary>
    public const string FileName = "chart.umd.min.js";

    private static readonly Lazy<string> LazyScript = new(Load);

    /// <summary>The minified UMD build: a script that defines the global <c>Chart</c>.</summary>
    public static string Script => LazyScript.Value;

    private static string Load()
    {
        using var stream = typeof(ChartLibrary).Assembly.GetManifestResourceStream(FileName)
            ?? throw new InvalidOperationException($"{FileName} is not embedded in {typeof(ChartLibrary).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
