using System.Diagnostics;
using System.Text;

namespace Switchyard.Samples.ImageBatch;

/// <summary>
/// Debian's ImageMagick, found and run with an argv list (never a shell). <c>/usr/bin/convert</c> and
/// <c>/usr/bin/identify</c> (ImageMagick 6) come first; then <c>magick</c> (ImageMagick 7) or <c>convert</c> on the PATH.
/// A candidate counts only if <c>-version</c> says it is ImageMagick, which skips stand-ins of the same name.
/// </summary>
/// <param name="Convert">The argv prefix that converts: <c>[/usr/bin/convert]</c> or <c>[magick]</c>.</param>
/// <param name="Identify">The argv prefix that identifies: <c>[/usr/bin/identify]</c> or <c>[magick, identify]</c>.</param>
/// <param name="Version">The first line of <c>-version</c>.</param>
public sealed record ImageMagick(IReadOnlyList<string> Convert, IReadOnlyList<string> Identify, string Version)
{
    /// <summary>ImageMagick as installed here, or null when it is not.</summary>
    public static async Task<ImageMagick?> FindAsync(CancellationToken cancellationToken = default)
    {
        foreach (var (convert, identify) in Candidates())
        {
            if (await VersionAsync(convert, cancellationToken).ConfigureAwait(false) is { } version)
                return new ImageMagick(convert, identify, version);
        }
        return null;
    }

    /// <summary>Runs <paramref name="argv"/> and returns its standard output; a non-zero exit throws with its standard error.</summary>
    public static async Task<string> RunAsync(IReadOnlyList<string> argv, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(argv);
        var start = new ProcessStartInfo(argv[0])
        {
            // Both streams redirected: a child must never write into its parent's stdout (in a Process-lane worker
            // that is the pool's pipe).
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in argv.Skip(1)) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{argv[0]} did not start.");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{string.Join(' ', argv)} exited with {process.ExitCode}: {(await error.ConfigureAwait(false)).Trim()}");
        return await output.ConfigureAwait(false);
    }

    /// <summary>Width and height of an image file, read back with <c>identify -format "%w %h"</c>.</summary>
    public async Task<(int Width, int Height)> SizeAsync(string path, CancellationToken cancellationToken = default)
    {
        var text = await RunAsync([.. Identify, "-format", "%w %h", path], cancellationToken).ConfigureAwait(false);
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static IEnumerable<(string[] Convert, string[] Identify)> Candidates()
    {
        if (File.Exists("/usr/bin/convert") && File.Exists("/usr/bin/identify"))
            yield return (["/usr/bin/convert"], ["/usr/bin/identify"]);
        if (File.Exists("/usr/bin/magick")) yield return (["/usr/bin/magick"], ["/usr/bin/magick", "identify"]);
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var folder in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var magick = Path.Combine(folder, "magick");
            if (File.Exists(magick)) yield return ([magick], [magick, "identify"]);
            var (convert, identify) = (Path.Combine(folder, "convert"), Path.Combine(folder, "identify"));
            if (File.Exists(convert) && File.Exists(identify)) yield return ([convert], [identify]);
        }
    }

    private static async Task<string?> VersionAsync(string[] convert, CancellationToken cancellationToken)
    {
        try
        {
            var text = await RunAsync([.. convert, "-version"], cancellationToken).ConfigureAwait(false);
            var version = text.Split('\n')[0].Trim();
            return version.Contains("ImageMagick", StringComparison.Ordinal) ? version : null;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>The argv that resizes to half, rotates 90° and blurs <paramref name="input"/> into <paramref name="output"/>.</summary>
    /// <remarks>
    /// <c>-limit thread 1</c> keeps each convert on one thread (ImageMagick is built with OpenMP and would otherwise
    /// spread every picture over all cores), so that the parallelism compared is the lanes'.
    /// </remarks>
    public IReadOnlyList<string> ResizeRotateBlur(string input, string output, double sigma) =>
        [.. Convert, "-limit", "thread", "1", input, "-resize", "50%", "-rotate", "90", "-blur", FormattableString.Invariant($"0x{sigma}"), output];

    /// <summary>The same as a display string (for the report; it is never run through a shell).</summary>
    public static string Show(IEnumerable<string> argv) => new StringBuilder().AppendJoin(' ', argv).ToString();
}
