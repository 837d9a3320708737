namespace Switchyard.Testing;

/// <summary>Files of this repository (scripts, other projects' build output), found from a test's output folder.</summary>
public static class RepositoryFiles
{
    /// <summary>
    /// The full path of <paramref name="relativePath"/> (say <c>tests/pg-server.sh</c>), found by walking up from the test's
    /// output folder to the folder that holds it.
    /// </summary>
    /// <exception cref="FileNotFoundException">No folder above the test's output holds it.</exception>
    public static string Find(string relativePath)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relativePath);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"{relativePath} was not found above {AppContext.BaseDirectory}.", relativePath);
    }
}
