using System.Text.Json;
using Switchyard.Bench;

namespace Switchyard.Tests.Bench;

public class BenchCommandTests(QuickBenchRun run) : IClassFixture<QuickBenchRun>
{
    private static readonly string[] JsonFields =
        ["suite", "name", "value", "unit", "better", "baseline", "baseline_value", "ratio"];

    [Fact]
    public async Task Help_lists_every_suite_with_its_description_and_says_quick_figures_are_not_for_the_record()
    {
        var (exit, output, _) = await YardCliRunner.RunAsync("bench", "--help");

        Assert.Equal(0, exit);
        foreach (var suite in BenchSuites.All)
        {
            Assert.Contains(suite.Name, output, StringComparison.Ordinal);
            Assert.Contains(suite.Description, output, StringComparison.Ordinal);
        }
        Assert.Contains("not for the record", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_suite_fails_with_exit_1_naming_the_known_suites()
    {
        var (exit, output, error) = await YardCliRunner.RunAsync("bench", "nosuch");

        Assert.Equal(1, exit);
        Assert.Contains("'nosuch'", error, StringComparison.Ordinal);
        Assert.Contains("io, cpu", error, StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task Unknown_suite_after_a_known_one_runs_nothing()
    {
        var (exit, output, error) = await YardCliRunner.RunAsync("bench", "io", "nosuch", "--quick");

        Assert.Equal(1, exit);
        Assert.Equal("", output); // not even io's progress lines: names are checked before anything runs
        Assert.DoesNotContain("running", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_run_exits_0_and_prints_only_a_json_array_of_figures_with_exactly_the_required_fields()
    {
        Assert.Equal(0, run.JsonExit);
        using var document = JsonDocument.Parse(run.JsonOut); // throws if anything but the JSON is on stdout
        Assert.Equal(JsonValueKind.Array, document.RootElement.ValueKind);
        var figures = document.RootElement.EnumerateArray().ToList();
        Assert.NotEmpty(figures);
        Assert.Equal(["cpu", "io"], figures.Select(f => f.GetProperty("suite").GetString()).Distinct().Order());

        foreach (var figure in figures)
        {
            Assert.Equal(JsonFields, figure.EnumerateObject().Select(p => p.Name));
            Assert.False(string.IsNullOrWhiteSpace(figure.GetProperty("name").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(figure.GetProperty("unit").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(figure.GetProperty("baseline").GetString()));
            Assert.Contains(figure.GetProperty("better").GetString(), new[] { "lower", "higher" });
            var value = figure.GetProperty("value").GetDouble();
            Assert.True(value > 0, $"{figure}: value must be > 0");
            var baseline = figure.GetProperty("baseline_value");
            var ratio = figure.GetProperty("ratio");
            if (baseline.ValueKind == JsonValueKind.Null)
            {
                Assert.Equal(JsonValueKind.Null, ratio.ValueKind);
                continue;
            }
            Assert.True(baseline.GetDouble() > 0, $"{figure}: baseline_value must be > 0");
            Assert.Equal(value / baseline.GetDouble(), ratio.GetDouble(), 1e-9);
        }
    }

    [Fact]
    public void Asyncio_peer_gives_the_baseline_when_python3_is_on_path_and_says_so_when_it_is_not()
    {
        using var document = JsonDocument.Parse(run.JsonOut);
        var figure = document.RootElement.EnumerateArray()
            .Single(f => f.GetProperty("baseline").GetString()!.Contains("asyncio", StringComparison.Ordinal));
        var pythonOnPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, "python3")));

        if (pythonOnPath)
        {
            Assert.True(figure.GetProperty("baseline_value").GetDouble() > 0);
        }
        else
        {
            Assert.Equal(JsonValueKind.Null, figure.GetProperty("baseline_value").ValueKind);
            Assert.Contains("python3 not found on PATH", run.JsonErr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Json_run_writes_progress_to_stderr_and_marks_the_run_as_quick()
    {
        Assert.Contains("io: running", run.JsonErr, StringComparison.Ordinal);
        Assert.Contains("not for the record", run.JsonErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Table_run_shows_every_figure_in_a_plain_ascii_table_when_output_is_not_a_terminal()
    {
        Assert.Equal(0, run.TableExit);
        using var document = JsonDocument.Parse(run.JsonOut);
        foreach (var figure in document.RootElement.EnumerateArray())
            Assert.Contains(figure.GetProperty("name").GetString()!, run.TableOut, StringComparison.Ordinal);
        foreach (var column in new[] { "suite", "figure", "value", "baseline", "ratio", "target", "met" })
            Assert.Contains(column, run.TableOut, StringComparison.Ordinal);
        Assert.Contains("+---", run.TableOut, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', run.TableOut); // no colour codes
        Assert.DoesNotContain('─', run.TableOut); // no Unicode box lines
    }
}

/// <summary>
/// One quick run of <c>yard bench io cpu</c> with <c>--json</c> and one without, shared by the tests that read them.
/// </summary>
public sealed class QuickBenchRun : IAsyncLifetime
{
    public int JsonExit { get; private set; }
    public string JsonOut { get; private set; } = "";
    public string JsonErr { get; private set; } = "";
    public int TableExit { get; private set; }
    public string TableOut { get; private set; } = "";

    public async Task InitializeAsync()
    {
        (JsonExit, JsonOut, JsonErr) = await YardCliRunner.RunAsync("bench", "io", "cpu", "--quick", "--json");
        (TableExit, TableOut, _) = await YardCliRunner.RunAsync("bench", "io", "cpu", "--quick");
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
