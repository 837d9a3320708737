using Switchyard.Cli.Commands;
using Switchyard.Cli.Run;

namespace Switchyard.Tests.Run;

public sealed class TemplateTests
{
    [Theory]
    [InlineData("{}", "dir/file.tar.gz")]
    [InlineData("{.}", "dir/file.tar")]
    [InlineData("{/}", "file.tar.gz")]
    [InlineData("{//}", "dir")]
    [InlineData("{/.}", "file.tar")]
    [InlineData("{#}", "7")]
    [InlineData("x{}y", "xdir/file.tar.gzy")]
    [InlineData("{unknown}{}", "{unknown}dir/file.tar.gz")]
    public void Replacement_strings(string word, string expected)
    {
        var job = new Template(["cmd", word], shell: false).Expand(7, ["dir/file.tar.gz"]);
        Assert.Equal(["cmd", expected], job.Argv);
        Assert.Equal(7, job.Seq);
    }

    [Fact]
    public void An_argument_stays_one_word_without_a_shell()
    {
        var job = new Template(["echo {}"], shell: false).Expand(1, ["a b; rm -rf x"]);
        Assert.Equal(["echo", "a b; rm -rf x"], job.Argv);
    }

    [Fact]
    public void Without_a_replacement_string_the_arguments_are_appended()
    {
        Assert.Equal(["gzip", "-9", "a", "b"], new Template(["gzip -9"], shell: false).Expand(1, ["a", "b"]).Argv);
        Assert.Equal(["/bin/sh", "-c", "echo 'a b'"], new Template(["echo"], shell: true).Expand(1, ["a b"]).Argv);
    }

    [Fact]
    public void Positional_replacement_strings_pick_a_source()
    {
        var job = new Template(["cp", "{1}", "{2}/"], shell: false).Expand(1, ["x", "y"]);
        Assert.Equal(["cp", "x", "y/"], job.Argv);
        Assert.Throws<RunInputException>(() => new Template(["echo {3}"], shell: false).Expand(1, ["x"]));
    }

    [Fact]
    public void Shell_templates_quote_arguments()
    {
        var job = new Template(["echo", "{}", ">", "{#}.txt"], shell: true).Expand(2, ["it's $HOME"]);
        Assert.Equal(["/bin/sh", "-c", "echo 'it'\\''s $HOME' > 2.txt"], job.Argv);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_template_is_refused(string word)
    {
        var e = Assert.Throws<RunInputException>(() => new Template([word], shell: false));
        Assert.Contains("template is empty", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("never", false, null, null)]
    [InlineData("now,fail=1", true, 1, null)]
    [InlineData("soon,fail=3", false, 3, null)]
    [InlineData("soon,fail=25%", false, null, 25.0)]
    public void Halt_policy_parses(string text, bool now, int? count, double? percent) =>
        Assert.Equal(new HaltPolicy(now, count, percent), HaltPolicy.Parse(text));

    [Theory]
    [InlineData("later,fail=1")]
    [InlineData("now")]
    [InlineData("now,fail=0")]
    [InlineData("now,fail=150%")]
    [InlineData("now,success=1")]
    public void Bad_halt_policy_is_refused(string text) =>
        Assert.Contains("--halt", Assert.Throws<RunInputException>(() => HaltPolicy.Parse(text)).Message, StringComparison.Ordinal);

    [Fact]
    public void Halt_by_percentage_waits_for_three_finished_jobs()
    {
        var p = HaltPolicy.Parse("soon,fail=50%");
        Assert.False(p.ShouldHalt(1, 1));
        Assert.True(p.ShouldHalt(2, 3));
        Assert.False(p.ShouldHalt(1, 3));
    }

    [Fact]
    public void Jobs_accepts_numbers_and_percentages()
    {
        Assert.Equal(3, RunCommand.ParseJobs("3"));
        Assert.Equal(Environment.ProcessorCount, RunCommand.ParseJobs("100%"));
        Assert.Equal(Math.Max(1, (int)Math.Round(Environment.ProcessorCount * 0.5)), RunCommand.ParseJobs("50%"));
        Assert.Throws<RunInputException>(() => RunCommand.ParseJobs("0"));
        Assert.Throws<RunInputException>(() => RunCommand.ParseJobs("-2"));
        Assert.Throws<RunInputException>(() => RunCommand.ParseJobs("many"));
    }
}
