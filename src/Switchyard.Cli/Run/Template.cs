using System.Text;

namespace Switchyard.Cli.Run;

/// <summary>
/// A command template with GNU parallel's replacement strings: <c>{}</c> (all arguments of the job),
/// <c>{.}</c> (without extension), <c>{/}</c> (basename), <c>{//}</c> (dirname), <c>{/.}</c> (basename
/// without extension), <c>{#}</c> (job number) and <c>{N}</c> (the argument from input source N).
/// Without any replacement string the arguments are appended, as GNU parallel does.
/// Without --shell each template word stays one argv word (an argument never splits into more words);
/// with --shell the arguments are shell-quoted into the command text.
/// </summary>
internal sealed class Template
{
    private readonly string[] _words;
    private readonly bool _shell;
    private readonly bool _hasPlaceholder;

    /// <param name="words">The template words from the command line; a single word is split quote-aware.</param>
    /// <param name="shell">Whether the job runs under /bin/sh -c.</param>
    public Template(IReadOnlyList<string> words, bool shell)
    {
        if (words.All(string.IsNullOrWhiteSpace))
            throw new RunInputException("the command template is empty: give a command before ::: (for example: yard run echo {} ::: a b)");
        _shell = shell;
        _words = shell ? [string.Join(' ', words)] : words.Count == 1 ? [.. ArgvSplitter.Split(words[0])] : [.. words];
        _hasPlaceholder = _words.Any(w => Scan(w, [], 0, null));
    }

    /// <summary>Builds job <paramref name="seq"/> from its arguments (one per input source).</summary>
    public Job Expand(long seq, IReadOnlyList<string> args)
    {
        var tag = string.Join(' ', args);
        if (_shell)
        {
            var text = new StringBuilder();
            Scan(_words[0], args, seq, text);
            if (!_hasPlaceholder)
                foreach (var a in args) text.Append(' ').Append(ArgvSplitter.ShellQuote(a));
            var command = text.ToString();
            return new Job(seq, ["/bin/sh", "-c", command], command, tag);
        }
        var argv = new List<string>(_words.Length + args.Count);
        foreach (var word in _words)
        {
            var expanded = new StringBuilder();
            Scan(word, args, seq, expanded);
            argv.Add(expanded.ToString());
        }
        if (!_hasPlaceholder) argv.AddRange(args);
        return new Job(seq, [.. argv], string.Join(' ', argv.Select(ArgvSplitter.ShellQuote)), tag);
    }

    // Expands the replacement strings of `word` into `output` (null: only detect them); returns whether any was found.
    private bool Scan(string word, IReadOnlyList<string> args, long seq, StringBuilder? output)
    {
        var found = false;
        var i = 0;
        while (i < word.Length)
        {
            var open = word.IndexOf('{', i);
            var close = open < 0 ? -1 : word.IndexOf('}', open + 1);
            if (open < 0 || close < 0)
            {
                output?.Append(word, i, word.Length - i);
                break;
            }
            output?.Append(word, i, open - i);
            var name = word.Substring(open + 1, close - open - 1);
            if (TryReplace(name, args, seq, out var value))
            {
                found = true;
                output?.Append(_shell && name != "#" ? ArgvSplitter.ShellQuote(value) : value);
                i = close + 1;
            }
            else
            {
                output?.Append('{');
                i = open + 1;
            }
        }
        return found;
    }

    private static bool TryReplace(string name, IReadOnlyList<string> args, long seq, out string value)
    {
        var all = string.Join(' ', args);
        value = name switch
        {
            "" => all,
            "." => WithoutExtension(all),
            "/" => Path.GetFileName(all),
            "//" => Path.GetDirectoryName(all) is { Length: > 0 } d ? d : ".",
            "/." => WithoutExtension(Path.GetFileName(all)),
            "#" => seq.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => null!,
        };
        if (value is not null) return true;
        if (int.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1)
        {
            if (args.Count == 0) { value = ""; return true; } // detection pass
            if (n > args.Count)
                throw new RunInputException($"the template uses {{{n}}} but there are only {args.Count} input source(s)");
            value = args[n - 1];
            return true;
        }
        value = "";
        return false;
    }

    private static string WithoutExtension(string path)
    {
        var slash = path.LastIndexOf('/');
        var dot = path.LastIndexOf('.');
        return dot > slash + 1 ? path[..dot] : path;
    }
}
