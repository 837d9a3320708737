using System.Buffers;
using System.Text;

namespace Switchyard.Jobs.Handlers;

/// <summary>Reads a stream to its end, keeping at most a fixed number of bytes and counting the rest.</summary>
internal sealed class BoundedCapture(int limit)
{
    private readonly ArrayBufferWriter<byte> _kept = new();

    public long TotalBytes { get; private set; }
    public bool Truncated => TotalBytes > _kept.WrittenCount;

    public async Task ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            var room = Math.Max(0, limit - _kept.WrittenCount);
            if (room > 0) _kept.Write(buffer.AsSpan(0, Math.Min(room, read)));
            TotalBytes += read;
        }
    }

    public string Text => Encoding.UTF8.GetString(_kept.WrittenSpan);
}
