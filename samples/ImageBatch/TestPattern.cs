namespace Switchyard.Samples.ImageBatch;

/// <summary>Deterministic pictures to work on: gradients, rings and noise, different for each seed.</summary>
public static class TestPattern
{
    /// <summary>A <paramref name="width"/>×<paramref name="height"/> picture for <paramref name="seed"/>.</summary>
    public static RgbImage Create(int width, int height, int seed)
    {
        var image = new RgbImage(width, height);
        var random = new Random(seed);
        var (cx, cy) = (random.Next(width), random.Next(height));
        var rings = 8 + random.Next(24);
        var pixels = image.Pixels;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = (y * width + x) * 3;
                var distance = Math.Sqrt((double)(x - cx) * (x - cx) + (double)(y - cy) * (y - cy));
                var ring = (int)(distance / rings) % 2 == 0 ? 200 : 40;
                pixels[i] = (byte)(255 * x / width);
                pixels[i + 1] = (byte)Math.Clamp(ring + random.Next(-30, 31), 0, 255);
                pixels[i + 2] = (byte)(255 * y / height);
            }
        }
        return image;
    }
}
