using System.Diagnostics;

namespace Switchyard.Samples.Tests.Support;

/// <summary>
/// Runs a sample's built executable (<c>dotnet &lt;sample&gt;.dll args…</c>, argv only, from the sample's own output folder)
/// to its end and returns what it printed; <see cref="SampleProcess"/> is for a program the test acts on while it runs.
/// </summary>
internal static class SampleExecutable
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(string assemblyName, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        const string prefix = "Switchyard.Samples.";
        var dll = SampleProcess.Dll(assemblyName[prefix.Length..], assemblyName);
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{assemblyName} did not exit within {(timeout ?? TimeSpan.FromMinutes(3)).TotalSeconds:0} s.");
        }
        return new Result(process.ExitCode, await output, await error);
    }

    // The dotnet host running these tests (the CLI sets DOTNET_HOST_PATH for its children).
    internal static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        return "dotnet";
    }
}
