namespace Switchyard.Samples.ImageBatch;

/// <summary>
/// A separable box blur over a raw RGB buffer: each pass averages a (2r+1)-pixel window along every row, then
/// along every column, with edge pixels repeated. Three passes approximate a Gaussian blur. Running sums make each
/// pass O(pixels) whatever the radius. Pure CPU work on plain arrays: what the Cpu lane is for.
/// </summary>
public static class BoxBlur
{
    /// <summary>Returns a blurred copy of <paramref name="image"/>.</summary>
    public static RgbImage Apply(RgbImage image, int radius, int passes)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(radius, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(passes, 0);
        var current = (byte[])image.Pixels.Clone();
        var scratch = new byte[current.Length];
        for (var pass = 0; pass < passes && radius > 0; pass++)
        {
            // Rows: pixels 3 bytes apart, rows Width*3 apart; columns the other way round.
            Lines(current, scratch, image.Height, image.Width, lineStep: image.Width * 3, pixelStep: 3, radius);
            Lines(scratch, current, image.Width, image.Height, lineStep: 3, pixelStep: image.Width * 3, radius);
        }
        return new RgbImage(image.Width, image.Height, current);
    }

    private static void Lines(byte[] source, byte[] target, int lines, int length, int lineStep, int pixelStep, int radius)
    {
        var window = 2 * radius + 1;
        for (var line = 0; line < lines; line++)
        {
            var origin = line * lineStep;
            for (var channel = 0; channel < 3; channel++)
            {
                var first = origin + channel;
                var last = length - 1;
                var sum = 0;
                for (var i = -radius; i <= radius; i++) sum += source[first + Math.Clamp(i, 0, last) * pixelStep];
                for (var i = 0; i < length; i++)
                {
                    target[first + i * pixelStep] = (byte)((sum + window / 2) / window); // rounded to nearest
                    var enters = i + radius + 1;
                    var leaves = i - radius;
                    sum += source[first + (enters < last ? enters : last) * pixelStep] - source[first + (leaves > 0 ? leaves : 0) * pixelStep];
                }
            }
        }
    }
}
