using System.Globalization;
using System.Text;

namespace Switchyard.Samples.ImageBatch;

/// <summary>
/// An 8-bit RGB image as one raw buffer (row after row, 3 bytes a pixel), read and written as binary PPM (P6).
/// Written here because no managed imaging package restores on these machines (see shared/DEPENDENCIES.md), and P6 is
/// a 3-line header in front of exactly this buffer.
/// </summary>
public sealed class RgbImage
{
    /// <summary>A black image.</summary>
    public RgbImage(int width, int height)
        : this(width, height, new byte[checked(width * height * 3)])
    {
    }

    /// <summary>An image over <paramref name="pixels"/> (length width × height × 3).</summary>
    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != (long)width * height * 3)
            throw new ArgumentException($"A {width}x{height} RGB image needs {width * height * 3} bytes (got {pixels.Length}).", nameof(pixels));
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The pixels, row after row, R G B.</summary>
#pragma warning disable CA1819 // the raw buffer is the point: kernels work on it in place
    public byte[] Pixels { get; }
#pragma warning restore CA1819

    /// <summary>The byte of channel <paramref name="channel"/> (0 R, 1 G, 2 B) at (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public byte this[int x, int y, int channel]
    {
        get => Pixels[(y * Width + x) * 3 + channel];
        set => Pixels[(y * Width + x) * 3 + channel] = value;
    }

    /// <summary>Writes the image as binary PPM (P6, maxval 255).</summary>
    public void WritePpm(string path)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        file.Write(Encoding.ASCII.GetBytes(FormattableString.Invariant($"P6\n{Width} {Height}\n255\n")));
        file.Write(Pixels);
    }

    /// <summary>Reads a binary PPM (P6, maxval 255); anything else is refused with the reason.</summary>
    public static RgbImage ReadPpm(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var at = 0;
        string Token()
        {
            while (at < bytes.Length && (char.IsWhiteSpace((char)bytes[at]) || bytes[at] == '#'))
            {
                if (bytes[at] == '#') while (at < bytes.Length && bytes[at] != '\n') at++;
                else at++;
            }
            var start = at;
            while (at < bytes.Length && !char.IsWhiteSpace((char)bytes[at])) at++;
            return Encoding.ASCII.GetString(bytes, start, at - start);
        }
        if (Token() != "P6") throw new FormatException($"{path}: not a binary PPM (P6) file.");
        if (!int.TryParse(Token(), NumberStyles.None, CultureInfo.InvariantCulture, out var width) ||
            !int.TryParse(Token(), NumberStyles.None, CultureInfo.InvariantCulture, out var height) || Token() != "255")
            throw new FormatException($"{path}: a PPM header needs a width, a height and maxval 255.");
        at++; // the one whitespace byte after maxval
        var length = width * height * 3;
        if (bytes.Length - at < length) throw new FormatException($"{path}: {width}x{height} needs {length} bytes of pixels, the file has {bytes.Length - at}.");
        return new RgbImage(width, height, bytes.AsSpan(at, length).ToArray());
    }
}
