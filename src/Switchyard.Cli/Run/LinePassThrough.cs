namespace Switchyard.Cli.Run;

/// <summary>
/// --line-buffer: whole lines go to the sink as they arrive, under its lock; a line longer than the buffer goes out
/// in pieces, and a last line without a newline goes out at the end with one added.
/// </summary>
internal sealed class LinePassThrough(OutputSink sink, string? tag) : IOutputTarget
{
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _pending;

    public Span<byte> FreeSpace() => _buffer.AsSpan(_pending); // Commit never leaves the buffer full

    public void Commit(int count)
    {
        _pending += count;
        var last = _buffer.AsSpan(0, _pending).LastIndexOf((byte)'\n');
        if (last < 0 && _pending < _buffer.Length) return;
        var cut = last < 0 ? _pending : last + 1;
        lock (sink.Gate) sink.Write(_buffer.AsSpan(0, cut), tag);
        Array.Copy(_buffer, cut, _buffer, 0, _pending - cut);
        _pending -= cut;
    }

    public void Complete()
    {
        if (_pending == 0) return;
        lock (sink.Gate)
        {
            sink.Write(_buffer.AsSpan(0, _pending), tag);
            sink.Write("\n"u8, null);
        }
        _pending = 0;
    }
}
