using System.Text;

namespace Switchyard.Cli.Run;

/// <summary>
/// Where job output goes: the process's own stdout/stderr as raw bytes (fast, no re-encoding), or a
/// <see cref="TextWriter"/> when the caller captured output (tests). Callers serialise writes with <see cref="Gate"/>.
/// With a tag, every line starts with the tag and a tab (a job's output is written whole, so lines start at each write).
/// </summary>
internal sealed class OutputSink : IDisposable
{
    private readonly Stream? _stream;
    private readonly TextWriter? _writer;
    private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();
    private bool _atLineStart = true;

    private OutputSink(Stream? stream, TextWriter? writer)
    {
        _stream = stream;
        _writer = writer;
    }

    /// <summary>Serialises writes so that a job's output is never interleaved with another's.</summary>
    public Lock Gate { get; } = new();

    /// <summary>The raw stream behind <paramref name="writer"/> when it is the console's own writer; otherwise the writer itself.</summary>
    public static OutputSink For(TextWriter writer, bool isStandardError)
    {
        if (ReferenceEquals(writer, isStandardError ? Console.Error : Console.Out))
        {
            writer.Flush();
            return new OutputSink(isStandardError ? Console.OpenStandardError() : Console.OpenStandardOutput(), null);
        }
        return new OutputSink(null, writer);
    }

    public void Write(ReadOnlySpan<byte> bytes, string? tag)
    {
        if (tag is null)
        {
            WriteRaw(bytes);
            return;
        }
        var prefix = Encoding.UTF8.GetBytes(tag + "\t");
        while (!bytes.IsEmpty)
        {
            if (_atLineStart) WriteRaw(prefix);
            var nl = bytes.IndexOf((byte)'\n');
            var line = nl < 0 ? bytes : bytes[..(nl + 1)];
            WriteRaw(line);
            _atLineStart = nl >= 0;
            bytes = bytes[line.Length..];
        }
    }

    /// <summary>Ends a job's output: the next job's tag starts a fresh line.</summary>
    public void EndJob() => _atLineStart = true;

    public void Write(string text) => Write(Encoding.UTF8.GetBytes(text), null);

    public void Flush()
    {
        _stream?.Flush();
        _writer?.Flush();
    }

    private void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        if (_stream is not null)
        {
            _stream.Write(bytes);
            return;
        }
        Span<char> chars = stackalloc char[1024];
        while (!bytes.IsEmpty)
        {
            _decoder.Convert(bytes, chars, flush: false, out var used, out var produced, out _);
            _writer!.Write(chars[..produced]);
            bytes = bytes[used..];
        }
    }

    public void Dispose() => _stream?.Dispose();
}
