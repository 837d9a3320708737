namespace Switchyard.Server.BrowserTests;

/// <summary>Where screenshots go: artifacts/test/screenshots under the repository root (the folder with Switchyard.slnx).</summary>
internal static class Screenshots
{
    public static string PathFor(string name)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Switchyard.slnx")))
            directory = directory.Parent;
        if (directory is null)
            throw new InvalidOperationException($"No Switchyard.slnx above {AppContext.BaseDirectory}.");
        var folder = Path.Combine(directory.FullName, "artifacts", "test", "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }
}
