using Switchyard.Samples.ImageBatch;
using Switchyard.Samples.Tests.Support;
using Switchyard.Testing;

namespace Switchyard.Samples.Tests;

/// <summary>The image batch sample: the C# kernel on known pictures, and the whole batch through Debian's ImageMagick.</summary>
public sealed class ImageBatchTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public void The_box_blur_spreads_one_bright_pixel_over_its_window_in_its_own_channel()
    {
        var image = new RgbImage(5, 5);
        image[2, 2, 0] = 250;

        var blurred = BoxBlur.Apply(image, radius: 1, passes: 1);

        // Along the row: 250 / 3 = 83.3 -> 83 at x = 1..3; then down the columns: 83 / 3 = 27.7 -> 28 at y = 1..3.
        for (var y = 0; y < 5; y++)
            for (var x = 0; x < 5; x++)
            {
                var inside = x is >= 1 and <= 3 && y is >= 1 and <= 3;
                Assert.Equal(inside ? 28 : 0, blurred[x, y, 0]);
                Assert.Equal(0, blurred[x, y, 1]);
                Assert.Equal(0, blurred[x, y, 2]);
            }
        Assert.Equal(250, image[2, 2, 0]); // the source is left as it was
    }

    [Fact]
    public void The_box_blur_keeps_flat_colour_flat_at_the_edges_and_radius_zero_changes_nothing()
    {
        var flat = new RgbImage(7, 4, [.. Enumerable.Repeat((byte)100, 7 * 4 * 3)]);
        Assert.All(BoxBlur.Apply(flat, radius: 3, passes: 3).Pixels, b => Assert.Equal(100, b));

        var pattern = TestPattern.Create(31, 17, seed: 5);
        Assert.Equal(pattern.Pixels, BoxBlur.Apply(pattern, radius: 0, passes: 3).Pixels);
        // A left-right step: the edge is smoothed symmetrically, the far ends keep their values.
        var step = new RgbImage(8, 1);
        for (var x = 4; x < 8; x++) step[x, 0, 1] = 90;
        var smoothed = BoxBlur.Apply(step, radius: 1, passes: 1);
        Assert.Equal(new byte[] { 0, 0, 0, 30, 60, 90, 90, 90 }, Enumerable.Range(0, 8).Select(x => smoothed[x, 0, 1]));
    }

    [Fact]
    public async Task Its_ppm_files_round_trip_and_imagemagick_reads_them()
    {
        using var temp = new TempFolder();
        var image = TestPattern.Create(64, 48, seed: 1);
        image.WritePpm(temp.File("a.ppm"));

        Assert.Equal(image.Pixels, RgbImage.ReadPpm(temp.File("a.ppm")).Pixels);
        var magick = await FindImageMagickAsync();
        Assert.Equal((64, 48), await magick.SizeAsync(temp.File("a.ppm")));
    }

    [Fact]
    public async Task Debian_s_imagemagick_is_the_one_found()
    {
        var magick = await FindImageMagickAsync();
        Assert.Contains("ImageMagick", magick.Version, StringComparison.Ordinal);
        if (File.Exists("/usr/bin/convert"))
            Assert.Equal(["/usr/bin/convert"], magick.Convert); // ahead of any other convert on the PATH
    }

    [Fact]
    public async Task The_batch_resizes_rotates_and_blurs_every_picture_serially_and_on_each_lane()
    {
        using var temp = new TempFolder();
        var folder = temp.File("out");
        var output = new StringWriter();

        var exit = await ImageBatchSample.RunAsync(new ImageBatchOptions
        {
            Images = 4, Width = 120, Height = 80, Radius = 2, Passes = 3, Workers = 2, Output = folder,
        }, output).Within(Patience);

        var text = output.ToString();
        Assert.True(exit == 0, text);
        var magick = await FindImageMagickAsync();
        foreach (var mode in new[] { "magick-serial", "magick-io", "magick-process" })
            for (var i = 0; i < 4; i++)
                Assert.Equal((40, 60), await magick.SizeAsync(Path.Combine(folder, mode, $"picture-{i:D3}.png"))); // half, turned
        for (var i = 0; i < 4; i++)
        {
            var expected = BoxBlur.Apply(TestPattern.Create(120, 80, seed: i), 2, 3);
            foreach (var mode in new[] { "blur-serial", "blur-cpu", "blur-process" })
            {
                var file = Path.Combine(folder, mode, $"picture-{i:D3}.ppm");
                Assert.Equal((120, 80), await magick.SizeAsync(file));
                Assert.Equal(expected.Pixels, RgbImage.ReadPpm(file).Pixels);
            }
        }
        foreach (var row in new[] { "serial", "Io lane", "Cpu lane", "Process lane" })
            Assert.Matches($@"(?m)^  {row} +[0-9.]+ s +[0-9.]+x", text);
        Assert.Contains("12 ImageMagick results are 40x60 (identify)", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_options_are_refused_naming_the_option_and_nothing_is_written()
    {
        using var temp = new TempFolder();
        await File.WriteAllTextAsync(temp.File("already-here.txt"), "x");

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            ImageBatchSample.RunAsync(new ImageBatchOptions { Output = temp.Path }, TextWriter.Null));
        Assert.Contains("--output", error.Message, StringComparison.Ordinal);
        Assert.Single(Directory.EnumerateFileSystemEntries(temp.Path));

        error = await Assert.ThrowsAsync<ArgumentException>(() =>
            ImageBatchSample.RunAsync(new ImageBatchOptions { Images = 0 }, TextWriter.Null));
        Assert.Contains("--images must be at least 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_executable_runs_end_to_end()
    {
        var result = await SampleExecutable.RunAsync("Switchyard.Samples.ImageBatch", ["--images", "3", "--width", "90", "--height", "60", "--workers", "2"]);

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("9 ImageMagick results are 30x45 (identify)", result.Output, StringComparison.Ordinal);
        Assert.Contains("Cpu lane", result.Output, StringComparison.Ordinal);

        var bad = await SampleExecutable.RunAsync("Switchyard.Samples.ImageBatch", ["--workers", "0"]);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("--workers must be at least 1", bad.Error, StringComparison.Ordinal);
    }

    private static async Task<ImageMagick> FindImageMagickAsync() =>
        await ImageMagick.FindAsync() ?? throw new InvalidOperationException("ImageMagick is not installed (test.sh installs Debian's imagemagick).");
}
