namespace Switchyard.Jobs.Tests;

/// <summary>A fresh database path under the temp folder, deleted (with its WAL files) at the end.</summary>
public sealed class TempDb : IDisposable
{
    public TempDb()
    {
        Path = NewPath();
        Directory = System.IO.Path.GetDirectoryName(Path)!;
    }

    public string Directory { get; }
    public string Path { get; }

    public void Dispose() => DeleteFolderOf(Path);

    /// <summary>A database path in a fresh folder, for classes that cannot own a <see cref="TempDb"/>.</summary>
    public static string NewPath()
    {
        var directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "switchyard-jobs-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        return System.IO.Path.Combine(directory, "jobs.db");
    }

    public static void DeleteFolderOf(string path)
    {
        try { System.IO.Directory.Delete(System.IO.Path.GetDirectoryName(path)!, recursive: true); }
        catch (IOException) { }
    }
}
