namespace Switchyard.Cli.Run;

/// <summary>
/// One job's captured stream: in memory up to a bound, then in a temp file (deleted on dispose), so that
/// many jobs with large output held for --keep-order do not exhaust memory.
/// </summary>
internal sealed class SpillBuffer(int memoryLimit) : IDisposable
{
    private MemoryStream? _memory = new();
    private FileStream? _file;

    public long Length => _file?.Length ?? _memory!.Length;

    public async Task FillAsync(Stream source, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        int n;
        while ((n = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (_file is null && _memory!.Length + n > memoryLimit)
            {
                _file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None,
                    64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
                _memory.Position = 0;
                await _memory.CopyToAsync(_file, cancellationToken).ConfigureAwait(false);
                _memory = null;
            }
            if (_file is not null) await _file.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            else _memory!.Write(buffer, 0, n);
        }
    }

    /// <summary>Writes everything captured to <paramref name="sink"/>.</summary>
    public void WriteTo(OutputSink sink, string? tag)
    {
        if (_file is null)
        {
            sink.Write(_memory!.GetBuffer().AsSpan(0, (int)_memory.Length), tag);
            return;
        }
        _file.Position = 0;
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = _file.Read(buffer)) > 0) sink.Write(buffer.AsSpan(0, n), tag);
    }

    public void Dispose()
    {
        _file?.Dispose();
        _memory?.Dispose();
    }
}
