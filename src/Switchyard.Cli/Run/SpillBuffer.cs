using System.Buffers;

namespace Switchyard.Cli.Run;

/// <summary>
/// One job's captured stream: in memory up to a bound, then in a temp file (deleted on dispose), so that
/// many jobs with large output held for --keep-order do not exhaust memory. Memory is a list of pooled
/// 64 KiB chunks that the pipe is read into directly (the pipe's size): no copy between the pipe and the final write.
/// </summary>
internal sealed class SpillBuffer(int memoryLimit) : IOutputTarget, IDisposable
{
    private const int ChunkSize = 64 * 1024;
    private readonly List<byte[]> _chunks = [];
    private int _lastUsed = ChunkSize; // bytes used in the last chunk; "full" when there is none yet
    private long _memoryLength;
    private FileStream? _file;
    private byte[]? _staging; // what a read goes into once spilled, on its way to the file

    public long Length => _file?.Length ?? _memoryLength;

    /// <summary>True once the output went past the memory bound into the temp file.</summary>
    public bool Spilled => _file is not null;

    public Span<byte> FreeSpace()
    {
        if (_file is null && _memoryLength >= memoryLimit) Spill();
        if (_file is not null) return _staging ??= ArrayPool<byte>.Shared.Rent(ChunkSize);
        if (_lastUsed == ChunkSize)
        {
            _chunks.Add(ArrayPool<byte>.Shared.Rent(ChunkSize));
            _lastUsed = 0;
        }
        return _chunks[^1].AsSpan(_lastUsed, ChunkSize - _lastUsed);
    }

    public void Commit(int count)
    {
        if (_file is not null)
        {
            _file.Write(_staging!, 0, count);
            return;
        }
        _lastUsed += count;
        _memoryLength += count;
    }

    public void Complete()
    {
    }

    /// <summary>Appends <paramref name="bytes"/> (a message of yard's own).</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var into = FreeSpace();
            var n = Math.Min(into.Length, bytes.Length);
            bytes[..n].CopyTo(into);
            Commit(n);
            bytes = bytes[n..];
        }
    }

    private void Spill()
    {
        _file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None,
            ChunkSize, FileOptions.DeleteOnClose);
        for (var i = 0; i < _chunks.Count; i++)
            _file.Write(_chunks[i], 0, i == _chunks.Count - 1 ? _lastUsed : ChunkSize);
        ReturnChunks();
    }

    /// <summary>Writes everything captured to <paramref name="sink"/>.</summary>
    public void WriteTo(OutputSink sink, string? tag)
    {
        if (_file is null)
        {
            for (var i = 0; i < _chunks.Count; i++)
                sink.Write(_chunks[i].AsSpan(0, i == _chunks.Count - 1 ? _lastUsed : ChunkSize), tag);
            return;
        }
        _file.Position = 0;
        var buffer = _staging ??= ArrayPool<byte>.Shared.Rent(ChunkSize);
        int n;
        while ((n = _file.Read(buffer, 0, ChunkSize)) > 0) sink.Write(buffer.AsSpan(0, n), tag);
    }

    private void ReturnChunks()
    {
        foreach (var chunk in _chunks) ArrayPool<byte>.Shared.Return(chunk);
        _chunks.Clear();
        _memoryLength = 0;
        _lastUsed = ChunkSize;
    }

    public void Dispose()
    {
        ReturnChunks();
        if (_staging is not null) ArrayPool<byte>.Shared.Return(_staging);
        _staging = null;
        _file?.Dispose();
    }
}
