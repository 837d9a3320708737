using Switchyard.Testing;

namespace Switchyard.Lab.Tests;

public sealed class RunnerTests
{
    private sealed class Throws : IExperiment
    {
        public int Number => 98;
        public string Title => "Throws";
        public string Claim => "Nothing.";
        public Task<ExperimentResult> RunAsync(LabContext context) => throw new InvalidOperationException("the pool broke");
    }

    private sealed class Measures : IExperiment
    {
        public int Number => 99;
        public string Title => "Measures";
        public string Claim => "Something.";
        public Task<ExperimentResult> RunAsync(LabContext context) =>
            Task.FromResult(context.Result(Verdict.Holds, "It did.", new LabChart("c", "s").Set(Contender.Dotnet, "x", 1)));
    }

    [Fact]
    public async Task An_experiment_that_fails_is_reported_as_failed_and_the_next_one_still_runs()
    {
        var report = await LabRunner.RunAsync([new Throws(), new Measures()], new LabOptions { Quick = true }, new RecordingProgress(),
            CancellationToken.None).Within();
        Assert.Equal(Verdict.Failed, report.Results[0].Verdict);
        Assert.Contains("InvalidOperationException: the pool broke", report.Results[0].Why, StringComparison.Ordinal);
        Assert.Empty(report.Results[0].Charts);
        Assert.Equal(Verdict.Holds, report.Results[1].Verdict);
        Assert.Contains("1 could not be measured", Report.ReportData.Summary(report), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { 0 })]
    [InlineData(new[] { 1, 11 })]
    public void Unknown_experiment_numbers_are_refused_by_number(int[] only)
    {
        var error = Assert.Throws<ArgumentException>(() => LabRunner.Select(only));
        Assert.Contains("--only: no experiment", error.Message, StringComparison.Ordinal);
    }
}
