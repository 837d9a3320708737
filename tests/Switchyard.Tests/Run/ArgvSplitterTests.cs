using Switchyard.Cli.Run;

namespace Switchyard.Tests.Run;

public sealed class ArgvSplitterTests
{
    [Theory]
    [InlineData("echo a  b", new[] { "echo", "a", "b" })]
    [InlineData("echo 'a b' \"c d\"", new[] { "echo", "a b", "c d" })]
    [InlineData("echo 'it'\\''s'", new[] { "echo", "it's" })]
    [InlineData("echo \"say \\\"hi\\\" \\\\ \\n\"", new[] { "echo", "say \"hi\" \\ \\n" })]
    [InlineData("echo a\\ b", new[] { "echo", "a b" })]
    [InlineData("echo '' x", new[] { "echo", "", "x" })]
    [InlineData("grep $HOME *.txt | wc", new[] { "grep", "$HOME", "*.txt", "|", "wc" })]
    [InlineData("  \t ", new string[0])]
    [InlineData("a'b'\"c\"d", new[] { "abcd" })]
    public void Splits_like_a_shell_without_expansion(string line, string[] expected) =>
        Assert.Equal(expected, ArgvSplitter.Split(line));

    [Theory]
    [InlineData("echo 'open")]
    [InlineData("echo \"open")]
    public void Unterminated_quote_is_refused(string line)
    {
        var e = Assert.Throws<RunInputException>(() => ArgvSplitter.Split(line));
        Assert.Contains("unterminated", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a b", "'a b'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("", "''")]
    public void Shell_quote_keeps_one_word(string word, string expected) => Assert.Equal(expected, ArgvSplitter.ShellQuote(word));

    [Fact]
    public void Shell_quote_round_trips_through_the_splitter()
    {
        string[] words = ["a b", "it's", "$x", "\"q\"", "back\\slash", ""];
        Assert.Equal(words, ArgvSplitter.Split(string.Join(' ', words.Select(ArgvSplitter.ShellQuote))));
    }
}
