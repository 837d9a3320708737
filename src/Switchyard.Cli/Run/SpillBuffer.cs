using System.Buffers;

namespace Switchyard.Cli.Run;

/// <summary>
/// One job's captured stream: in memory up to a bound, then in a temp file (deleted on dispose), so that
/// many jobs with large output held for --keep-order do not exhaust memory. Memory is a list of pooled
/// 64 KiB chunks read into directly (the pipe's size): no copy between the pipe and the final write.
/// </summary>
internal sealed class SpillBuffer(int memoryLimit) : IDisposable
{
    private const int ChunkSize = 64 * 1024;
    private readonly List<byte[]> _chunks = [];
    private int _lastUsed = ChunkSize; // bytes used in the last chunk; "full" when there is none yet
    private long _memoryLength;
    private FileStream? _file;

    public long Length => _file?.Length ?? _memoryLength;

    public async Task FillAsync(Stream source, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_file is null && _memoryLength >= memoryLimit) await SpillAsync(cancellationToken).ConfigureAwait(false);
            if (_file is not null)
            {
                await source.CopyToAsync(_file, ChunkSize, cancellationToken).ConfigureAwait(false);
                return;
            }
            if (_lastUsed == ChunkSize)
            {
                _chunks.Add(ArrayPool<byte>.Shared.Rent(ChunkSize));
                _lastUsed = 0;
            }
            var n = await source.ReadAsync(_chunks[^1].AsMemory(_lastUsed, ChunkSize - _lastUsed), cancellationToken).ConfigureAwait(false);
            if (n == 0) return;
            _lastUsed += n;
            _memoryLength += n;
        }
    }

    private async Task SpillAsync(CancellationToken cancellationToken)
    {
        _file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None,
            ChunkSize, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        for (var i = 0; i < _chunks.Count; i++)
            await _file.WriteAsync(_chunks[i].AsMemory(0, i == _chunks.Count - 1 ? _lastUsed : ChunkSize), cancellationToken).ConfigureAwait(false);
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
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        int n;
        while ((n = _file.Read(buffer, 0, ChunkSize)) > 0) sink.Write(buffer.AsSpan(0, n), tag);
        ArrayPool<byte>.Shared.Return(buffer);
    }

    private void ReturnChunks()
    {
        foreach (var chunk in _chunks) ArrayPool<byte>.Shared.Return(chunk);
        _chunks.Clear();
        _memoryLength = 0;
    }

    public void Dispose()
    {
        ReturnChunks();
        _file?.Dispose();
    }
}
