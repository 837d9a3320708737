using Switchyard.Bench;

namespace Switchyard.Tests.Bench;

public class RunnerPartsTests
{
    [Theory]
    [InlineData("≤ 1.15", 1.15, true)]
    [InlineData("≤ 1.15", 1.16, false)]
    [InlineData("<= 0.1", 0.05, true)]
    [InlineData("≥ 0.95", 0.94, false)]
    [InlineData(">= 0.5", 0.5, true)]
    [InlineData("< 2", 2.0, false)]
    [InlineData("> 2", 2.5, true)]
    public void Target_is_read_and_checked_against_the_ratio(string target, double ratio, bool met) =>
        Assert.Equal(met, TargetRule.IsMet(target, ratio));

    [Theory]
    [InlineData("about 1")]
    [InlineData("≤ fast")]
    public void A_target_that_is_not_an_operator_and_a_number_is_refused_naming_the_field(string target)
    {
        var error = Assert.Throws<FormatException>(() => TargetRule.IsMet(target, 1));
        Assert.Contains("Measurement.Target", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Measurement_without_a_baseline_value_has_no_ratio_and_no_verdict()
    {
        var m = new Measurement("io", "x", 2, "ms", Better.Lower, "peer", null, "≤ 0.1");
        Assert.Null(m.Ratio);
        Assert.Null(m.TargetMet());
        Assert.Equal(0.5, (m with { BaselineValue = 4 }).Ratio);
    }

    [Fact]
    public async Task Missing_interpreter_gives_no_baseline_and_a_note_saying_so()
    {
        using var log = new StringWriter();
        var context = new BenchContext { Log = log };

        var result = await PeerScript.RunAsync(context, "no-such-interpreter-for-switchyard", "asyncio_waits.py",
            [], CancellationToken.None);

        Assert.Null(result);
        Assert.Contains("no-such-interpreter-for-switchyard not found on PATH", log.ToString(), StringComparison.Ordinal);
    }
}
