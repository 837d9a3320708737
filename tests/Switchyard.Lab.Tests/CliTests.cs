using Switchyard.Cli;
using Switchyard.Testing;

namespace Switchyard.Lab.Tests;

[Collection(LabCollection.Name)]
public sealed class CliTests
{
    private static async Task<(int Code, string Output, string Error)> YardAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await YardCli.RunAsync(args, output, error).Within(TimeSpan.FromMinutes(5));
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Yard_lab_quick_only_1_and_7_writes_the_report()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"switchyard-lab-cli-{Guid.NewGuid():N}");
        try
        {
            var (code, output, error) = await YardAsync("lab", "--quick", "--only", "1,7", "--out", directory);
            Assert.True(code == 0, error);
            Assert.Contains("Sync vs async I/O", output, StringComparison.Ordinal);
            Assert.Contains("[2/2] 7. Races", error, StringComparison.Ordinal); // plain progress lines when not on a terminal
            foreach (var file in new[] { "index.html", "report.md", "chart.umd.min.js", "charts/e1.png", "charts/e7.png" })
                Assert.True(File.Exists(Path.Combine(directory, file)), file);
            var markdown = await File.ReadAllTextAsync(Path.Combine(directory, "report.md"));
            Assert.Contains("## 7. Races", markdown, StringComparison.Ordinal);
            Assert.DoesNotContain("## 2.", markdown, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("1,x", "--only: '1,x' is not a comma-separated list")]
    [InlineData("11", "--only: no experiment 11")]
    public async Task Bad_experiment_numbers_are_refused_and_nothing_is_written(string only, string message)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"switchyard-lab-bad-{Guid.NewGuid():N}");
        var (code, _, error) = await YardAsync("lab", "--quick", "--only", only, "--out", directory);
        Assert.Equal(1, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory));
    }
}
