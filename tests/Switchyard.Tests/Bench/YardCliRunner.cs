using Switchyard.Cli;
using Switchyard.Testing;

namespace Switchyard.Tests.Bench;

/// <summary>Runs <c>yard</c> in-process with captured output.</summary>
internal static class YardCliRunner
{
    // A quick bench run takes seconds; on a machine shared with other builds it may take much longer.
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    public static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await YardCli.RunAsync(args, output, error).Within(Limit);
        return (exit, output.ToString(), error.ToString());
    }
}
