namespace Switchyard.Samples.ImageBatch;

/// <summary>The batch: how many pictures, how large, how much blur, how many workers, where the results go.</summary>
public sealed class ImageBatchOptions
{
    /// <summary>Pictures generated. Default: 16.</summary>
    public int Images { get; init; } = 16;

    /// <summary>Their width in pixels. Default: 800.</summary>
    public int Width { get; init; } = 800;

    /// <summary>Their height in pixels. Default: 600.</summary>
    public int Height { get; init; } = 600;

    /// <summary>The C# box blur's radius. Default: 4.</summary>
    public int Radius { get; init; } = 4;

    /// <summary>The C# box blur's passes (3 approximate a Gaussian). Default: 3.</summary>
    public int Passes { get; init; } = 3;

    /// <summary>ImageMagick's <c>-blur 0x<i>sigma</i></c>. Default: 2.</summary>
    public double Sigma { get; init; } = 2;

    /// <summary>Workers of the Cpu, Io and Process lanes. Default: <see cref="Environment.ProcessorCount"/>.</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>A folder for the pictures and results, which must be empty or not exist; it is kept. Default: null, a temporary folder deleted at the end.</summary>
    public string? Output { get; init; }

    /// <summary>Checks every field, naming the field and the rule.</summary>
    public void Validate()
    {
        if (Images < 1) throw new ArgumentException($"--images must be at least 1 (was {Images}).");
        if (Width < 2 || Height < 2) throw new ArgumentException($"--width and --height must be at least 2 (were {Width} and {Height}).");
        if ((long)Width * Height > 50_000_000) throw new ArgumentException($"--width × --height must be at most 50 000 000 pixels (was {(long)Width * Height}).");
        if (Radius < 0) throw new ArgumentException($"--radius must be 0 or more (was {Radius}).");
        if (Passes < 0) throw new ArgumentException($"--passes must be 0 or more (was {Passes}).");
        if (!(Sigma >= 0)) throw new ArgumentException($"--sigma must be 0 or more (was {Sigma}).");
        if (Workers < 1) throw new ArgumentException($"--workers must be at least 1 (was {Workers}).");
        if (Output is not null && Directory.Exists(Output) && Directory.EnumerateFileSystemEntries(Output).Any())
            throw new ArgumentException($"--output: '{Output}' is not empty; give a new or empty folder.");
        if (Output is not null && File.Exists(Output)) throw new ArgumentException($"--output: '{Output}' is a file; give a folder.");
    }
}
