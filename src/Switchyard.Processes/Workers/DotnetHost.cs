namespace Switchyard.Processes.Workers;

/// <summary>Finds the <c>dotnet</c> host that starts the generic worker: the one running this process.</summary>
internal static class DotnetHost
{
    private static readonly Lazy<string> Path_ = new(Find);

    public static string Path => Path_.Value;

    private static string Find()
    {
        var exe = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
            return host;
        if (Environment.ProcessPath is { } self && System.IO.Path.GetFileName(self) == exe)
            return self;
        // The runtime's own root: <root>/shared/Microsoft.NETCore.App/<version>/System.Private.CoreLib.dll
        var runtime = System.IO.Path.GetDirectoryName(typeof(object).Assembly.Location);
        if (runtime is not null)
        {
            var candidate = System.IO.Path.GetFullPath(System.IO.Path.Combine(runtime, "..", "..", "..", exe));
            if (File.Exists(candidate)) return candidate;
        }
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root && File.Exists(System.IO.Path.Combine(root, exe)))
            return System.IO.Path.Combine(root, exe);
        return exe; // found on PATH by the OS
    }
}
