using System.Text.RegularExpressions;

namespace Switchyard.Tests.Bench;

public class YardCliTests
{
    [Fact]
    public async Task Version_prints_a_version_number()
    {
        var (exit, output, _) = await YardCliRunner.RunAsync("--version");

        Assert.Equal(0, exit);
        Assert.Matches(new Regex(@"^\d+\.\d+\.\d+"), output.Trim());
    }

    [Fact]
    public async Task Help_lists_the_bench_command()
    {
        var (exit, output, _) = await YardCliRunner.RunAsync("--help");

        Assert.Equal(0, exit);
        Assert.Contains("bench", output, StringComparison.Ordinal);
    }
}
