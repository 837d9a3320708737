namespace Switchyard.Lab.Report;

/// <summary>The page's own script and style, embedded in this assembly.</summary>
internal static class ReportAssets
{
    public static string Script => Read("report.js");

    public static string Style => Read("report.css");

    private static string Read(string name)
    {
        using var stream = typeof(ReportAssets).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{name} is not embedded in Switchyard.Lab");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
