namespace Switchyard.Samples.ImageBatch;

/// <summary>Blur one PPM file into another with the C# kernel.</summary>
public sealed record BlurJob(string Input, string Output, int Radius, int Passes);

/// <summary>Run one ImageMagick command (an argv list, never a shell); the last argument is the output file.</summary>
public sealed record MagickJob(IReadOnlyList<string> Argv);

/// <summary>
/// The work of one image, as static methods with one argument: the Process lane ships a method's identity to its
/// worker processes (not a closure), so the same methods run serially, on the Cpu or Io lane, and in a worker.
/// </summary>
public static class ImageJobs
{
    /// <summary>Reads, blurs and writes one image; returns its pixel count.</summary>
    public static long Blur(BlurJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var image = RgbImage.ReadPpm(job.Input);
        BoxBlur.Apply(image, job.Radius, job.Passes).WritePpm(job.Output);
        return (long)image.Width * image.Height;
    }

    /// <summary>Runs ImageMagick on one image and waits for it; returns the output file.</summary>
    public static async ValueTask<string> MagickAsync(MagickJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        await ImageMagick.RunAsync(job.Argv, cancellationToken).ConfigureAwait(false);
        return job.Argv[^1];
    }
}
