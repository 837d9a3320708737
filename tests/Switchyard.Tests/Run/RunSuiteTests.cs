using Switchyard.Bench;

namespace Switchyard.Tests.Run;

public sealed class RunSuiteTests
{
    [Fact]
    public async Task Quick_run_measures_yard_beside_each_peer_or_notes_it_absent()
    {
        using var log = new StringWriter();
        var results = await new RunSuite().RunAsync(new BenchContext { Log = log, Quick = true }, CancellationToken.None);

        Assert.Equal(4, results.Count);
        Assert.All(results, m => Assert.True(m.Value > 0));
        Assert.All(results, m => Assert.Equal("run", m.Suite));
        var hasParallel = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, "parallel")));
        var parallelRows = results.Where(m => m.Baseline.Contains("parallel", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, parallelRows.Count);
        Assert.All(parallelRows, m => Assert.Equal(hasParallel, m.BaselineValue is not null));
        if (!hasParallel) Assert.Contains("GNU parallel not on PATH", log.ToString(), StringComparison.Ordinal);
    }
}
