using System.Runtime.CompilerServices;

namespace Switchyard.Cli.Run;

/// <summary>
/// Turns the input into jobs, lazily: command lines (no template), or the template over argument tuples.
/// Several input sources combine as GNU parallel does by default: every combination, the last source
/// varying fastest. The first source streams; the others are read into memory.
/// </summary>
internal sealed class JobSource(RunSettings settings, TextReader stdin)
{
    private readonly Template? _template = settings.TemplateWords.Count > 0 ? new Template(settings.TemplateWords, settings.Shell) : null;

    /// <summary>The jobs, numbered from 1; <paramref name="include"/> filters by number (resume), <paramref name="stop"/> ends the input early (halt).</summary>
    public async IAsyncEnumerable<Job> ReadAsync(Func<long, bool> include, Func<bool> stop,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long seq = 0;
        await foreach (var args in Tuples(cancellationToken).ConfigureAwait(false))
        {
            if (stop()) yield break;
            if (_template is null && string.IsNullOrWhiteSpace(args[0])) continue; // a blank command line is no job
            seq++;
            if (!include(seq)) continue;
            yield return _template is null ? FromLine(seq, args[0]) : _template.Expand(seq, args);
        }
    }

    /// <summary>How many tuples the input holds, when that is cheap to know (no stdin); null otherwise.</summary>
    public long? CountTotal()
    {
        if (settings.Sources.Count == 0)
            return settings.ArgFile is { } f ? File.ReadLines(f).Count(l => _template is not null || !string.IsNullOrWhiteSpace(l)) : null;
        long total = 1;
        foreach (var s in settings.Sources)
            total *= s.Values?.Count ?? File.ReadLines(s.File!).LongCount();
        return total;
    }

    private Job FromLine(long seq, string line) => settings.Shell
        ? new Job(seq, ["/bin/sh", "-c", line], line, line)
        : new Job(seq, [.. CheckedSplit(line)], line, line);

    private static List<string> CheckedSplit(string line)
    {
        var argv = ArgvSplitter.Split(line);
        return argv.Count > 0 ? argv : throw new RunInputException($"the command line is empty: {line}");
    }

    private async IAsyncEnumerable<string[]> Tuples([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (settings.Sources.Count == 0)
        {
            await foreach (var line in Lines(settings.ArgFile, cancellationToken).ConfigureAwait(false))
                yield return [line];
            yield break;
        }
        var inner = new List<IReadOnlyList<string>>();
        foreach (var s in settings.Sources.Skip(1))
            inner.Add(s.Values ?? [.. File.ReadLines(s.File!)]);
        var first = settings.Sources[0];
        var firstValues = first.Values is { } v ? ToAsync(v) : Lines(first.File, cancellationToken);
        await foreach (var head in firstValues.ConfigureAwait(false))
            foreach (var rest in Combinations(inner, 0))
                yield return [head, .. rest];
    }

    private static IEnumerable<string[]> Combinations(List<IReadOnlyList<string>> sources, int index)
    {
        if (index == sources.Count)
        {
            yield return [];
            yield break;
        }
        foreach (var value in sources[index])
            foreach (var rest in Combinations(sources, index + 1))
                yield return [value, .. rest];
    }

#pragma warning disable CS1998 // an async iterator over a list, to share one shape with the streamed sources
    private static async IAsyncEnumerable<string> ToAsync(IReadOnlyList<string> values)
#pragma warning restore CS1998
    {
        foreach (var v in values) yield return v;
    }

    private async IAsyncEnumerable<string> Lines(string? file, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = file is null ? stdin : new StreamReader(file);
        try
        {
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
                yield return line;
        }
        finally
        {
            if (file is not null) reader.Dispose();
        }
    }
}
