using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;

namespace Switchyard.Processes.Protocol;

/// <summary>
/// Length-prefixed frames: [int32 little-endian length of what follows][kind byte][body]. Written by hand
/// because the frame is four bytes of framing around System.Text.Json payloads; no package is needed for that.
/// </summary>
internal static class FrameIO
{
    /// <summary>The largest frame either end accepts: a guard against a corrupted stream, not a design limit.</summary>
    public const int MaxFrame = 256 * 1024 * 1024;

    /// <summary>
    /// Starts a frame at the end of <paramref name="buffer"/> (several frames may share one buffer and one write):
    /// a length placeholder and the kind. Returns where the frame starts, for <see cref="End"/>.
    /// </summary>
    public static int Begin(ArrayBufferWriter<byte> buffer, FrameKind kind)
    {
        var start = buffer.WrittenCount;
        var span = buffer.GetSpan(5);
        span[4] = (byte)kind;
        buffer.Advance(5);
        return start;
    }

    public static void WriteInt(ArrayBufferWriter<byte> buffer, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(buffer.GetSpan(4), value);
        buffer.Advance(4);
    }

    /// <summary>Reserves an int32 to fill in later (a payload's length); returns its offset.</summary>
    public static int ReserveInt(ArrayBufferWriter<byte> buffer)
    {
        var at = buffer.WrittenCount;
        WriteInt(buffer, 0);
        return at;
    }

    public static void PatchInt(ArrayBufferWriter<byte> buffer, int at, int value) =>
        BinaryPrimitives.WriteInt32LittleEndian(MemoryMarshalSpan(buffer).Slice(at, 4), value);

    public static void WriteJson<T>(ArrayBufferWriter<byte> buffer, T value)
    {
        using var writer = new Utf8JsonWriter(buffer);
        JsonSerializer.Serialize(writer, value, WireJson.Options);
    }

    /// <summary>Fills in the length of the frame that starts at <paramref name="start"/> and ends at the buffer's end.</summary>
    public static void End(ArrayBufferWriter<byte> buffer, int start) =>
        BinaryPrimitives.WriteInt32LittleEndian(MemoryMarshalSpan(buffer).Slice(start, 4), buffer.WrittenCount - start - 4);

    /// <summary>Drops everything written after <paramref name="length"/> bytes (a frame that could not be completed).</summary>
    public static void Truncate(ArrayBufferWriter<byte> buffer, int length)
    {
        var kept = buffer.WrittenSpan[..length].ToArray();
        buffer.ResetWrittenCount();
        buffer.Write(kept);
    }

    /// <summary>Reads one frame into <paramref name="body"/> (resized as needed); null at a clean end of stream.</summary>
    public static async ValueTask<(FrameKind Kind, int Length)?> ReadAsync(Stream stream, byte[] header, Func<int, byte[]> body, CancellationToken cancellationToken)
    {
        var read = await stream.ReadAtLeastAsync(header.AsMemory(0, 5), 5, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read < 5) return null;
        var length = BinaryPrimitives.ReadInt32LittleEndian(header) - 1;
        if (length < 0 || length > MaxFrame) throw new InvalidDataException($"Bad frame length {length}.");
        var buffer = body(length);
        await stream.ReadExactlyAsync(buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        return ((FrameKind)header[4], length);
    }

    public static int ReadInt(ReadOnlySpan<byte> span, int at) => BinaryPrimitives.ReadInt32LittleEndian(span[at..]);

    public static T ReadJson<T>(ReadOnlySpan<byte> span) => JsonSerializer.Deserialize<T>(span, WireJson.Options)!;

    // ArrayBufferWriter exposes its written bytes read-only; frames patch their own header in place.
    private static Span<byte> MemoryMarshalSpan(ArrayBufferWriter<byte> buffer) =>
        System.Runtime.InteropServices.MemoryMarshal.AsMemory(buffer.WrittenMemory).Span;
}
