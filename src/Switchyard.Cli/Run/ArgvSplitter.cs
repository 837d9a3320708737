using System.Text;

namespace Switchyard.Cli.Run;

/// <summary>
/// Splits a command line into argv the way GNU parallel users quote it: words separated by blanks,
/// '...' taken literally, "..." with \" and \\ escapes, a backslash outside quotes escaping the next character.
/// Nothing else is interpreted ($, *, |, &gt; stay literal characters): no shell runs unless --shell.
/// Written by hand because no package here does POSIX-style word splitting without a shell.
/// </summary>
internal static class ArgvSplitter
{
    /// <summary>The words of <paramref name="line"/>; throws <see cref="RunInputException"/> on an unterminated quote.</summary>
    public static List<string> Split(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            switch (c)
            {
                case ' ' or '\t' or '\n' or '\r':
                    if (inWord) words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                    break;
                case '\'':
                    var close = line.IndexOf('\'', i + 1);
                    if (close < 0) throw new RunInputException($"unterminated ' quote in command: {line}");
                    word.Append(line, i + 1, close - i - 1);
                    i = close;
                    inWord = true;
                    break;
                case '"':
                    i = ReadDoubleQuoted(line, i + 1, word);
                    inWord = true;
                    break;
                case '\\' when i + 1 < line.Length:
                    word.Append(line[++i]);
                    inWord = true;
                    break;
                default:
                    word.Append(c);
                    inWord = true;
                    break;
            }
        }
        if (inWord) words.Add(word.ToString());
        return words;
    }

    // Returns the index of the closing quote.
    private static int ReadDoubleQuoted(string line, int i, StringBuilder word)
    {
        for (; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '"') return i;
            if (c == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\' or '$' or '`')
                c = line[++i];
            word.Append(c);
        }
        throw new RunInputException($"unterminated \" quote in command: {line}");
    }

    /// <summary>Quotes <paramref name="word"/> for /bin/sh so that it stays one literal word.</summary>
    public static string ShellQuote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ',' or '+' or '=' or ':' or '@' or '%')
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
