using System.Diagnostics;
using Switchyard.Processes;

namespace Switchyard.Samples.ImageBatch;

/// <summary>
/// The whole sample: generate pictures, then run the same CPU-bound batch serially and on lanes — ImageMagick
/// (resize, rotate, blur; one child process per picture) serially, on the Io lane and on the Process lane, and a C#
/// box blur over raw pixel buffers serially, on the Cpu lane and on the Process lane — and compare the times.
/// </summary>
public static class ImageBatchSample
{
    /// <summary>Runs the batch and writes its report to <paramref name="output"/>. Returns 0 when every result checks out, 1 otherwise.</summary>
    /// <exception cref="ArgumentException">An option breaks its rule (the message names it).</exception>
    /// <exception cref="InvalidOperationException">ImageMagick is not installed.</exception>
    public static async Task<int> RunAsync(ImageBatchOptions options, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        options.Validate();
        void Say(FormattableString line) => output.WriteLine(FormattableString.Invariant(line));
        var magick = await ImageMagick.FindAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("ImageMagick was not found: install Debian's imagemagick package (apt-get install imagemagick), which provides /usr/bin/convert and /usr/bin/identify.");

        var root = options.Output is null ? Directory.CreateTempSubdirectory("switchyard-images-") : Directory.CreateDirectory(options.Output);
        try
        {
            string Folder(string name) => Directory.CreateDirectory(Path.Combine(root.FullName, name)).FullName;
            var names = Enumerable.Range(0, options.Images).Select(i => FormattableString.Invariant($"picture-{i:D3}")).ToArray();
            var inputs = names.Select(n => Path.Combine(Folder("input"), n + ".ppm")).ToArray();

            await using var cpu = Lane.Cpu(new CpuLaneOptions { Name = "images", Workers = options.Workers });
            await using var io = Lane.Io(new IoLaneOptions { Name = "magick", MaxConcurrency = options.Workers });
            await using var processes = ProcessLane.Create(new ProcessLaneOptions { Name = "images", Workers = options.Workers, WorkerOutput = null });
            var oneByOne = new MapOptions { ChunkSize = 1 }; // items are large: hand them out one at a time

            var clock = Stopwatch.StartNew();
            await cpu.MapAsync(Enumerable.Range(0, options.Images), i =>
            {
                TestPattern.Create(options.Width, options.Height, seed: i).WritePpm(inputs[i]);
                return i;
            }, oneByOne, cancellationToken).ConfigureAwait(false);
            Say($"images    {options.Images} pictures of {options.Width}x{options.Height} generated in {clock.Elapsed.TotalSeconds:0.00} s into {Path.GetDirectoryName(inputs[0])}");
            Say($"magick    {magick.Version}");
            Say($"          {ImageMagick.Show(magick.ResizeRotateBlur("IN.ppm", "OUT.png", options.Sigma))}  (argv, no shell)");
            Say($"blur      C# box blur, radius {options.Radius}, {options.Passes} passes, on raw RGB buffers");
            await WaitForWorkersAsync(processes, options.Workers, cancellationToken).ConfigureAwait(false);
            Say($"lanes     {options.Workers} workers each; the Process lane's worker processes were started before timing");

            MagickJob[] Magick(string mode) => [.. names.Select((n, i) =>
                new MagickJob(magick.ResizeRotateBlur(inputs[i], Path.Combine(Folder(mode), n + ".png"), options.Sigma)))];
            BlurJob[] Blur(string mode) => [.. names.Select((n, i) =>
                new BlurJob(inputs[i], Path.Combine(Folder(mode), n + ".ppm"), options.Radius, options.Passes))];

            async Task<TimeSpan> Time(Func<Task> run)
            {
                var watch = Stopwatch.StartNew();
                await run().ConfigureAwait(false);
                return watch.Elapsed;
            }

            var magickSerial = await Time(async () =>
            {
                foreach (var job in Magick("magick-serial")) await ImageJobs.MagickAsync(job, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
            var magickIo = await Time(() => io.MapAsync(Magick("magick-io"), ImageJobs.MagickAsync, oneByOne, cancellationToken)).ConfigureAwait(false);
            var magickProcess = await Time(() => processes.MapAsync(Magick("magick-process"), ImageJobs.MagickAsync, oneByOne, cancellationToken)).ConfigureAwait(false);
            var blurSerial = await Time(() =>
            {
                foreach (var job in Blur("blur-serial")) ImageJobs.Blur(job);
                return Task.CompletedTask;
            }).ConfigureAwait(false);
            var blurCpu = await Time(() => cpu.MapAsync(Blur("blur-cpu"), ImageJobs.Blur, oneByOne, cancellationToken)).ConfigureAwait(false);
            var blurProcess = await Time(() => processes.MapAsync(Blur("blur-process"), ImageJobs.Blur, oneByOne, cancellationToken)).ConfigureAwait(false);

            void Row(string what, TimeSpan time, TimeSpan serial, string note) =>
                Say($"  {what,-22}{time.TotalSeconds,7:0.00} s{serial / time,7:0.0}x  {note}");
            Say($"ImageMagick resize 50% + rotate 90 + blur, {options.Images} pictures (one convert process each):");
            Row("serial", magickSerial, magickSerial, "one after another");
            Row("Io lane", magickIo, magickSerial, "the lane awaits the child processes, up to the limit at once");
            Row("Process lane", magickProcess, magickSerial, "each worker process starts and waits for its convert");
            Say($"C# box blur, {options.Images} pictures:");
            Row("serial", blurSerial, blurSerial, "one thread");
            Row("Cpu lane", blurCpu, blurSerial, "threads of this process, in parallel");
            Row("Process lane", blurProcess, blurSerial, "worker processes, in parallel");

            // Check every result: ImageMagick's by its own identify, the C# blur's as identical bytes in every mode.
            var expected = (options.Height / 2, options.Width / 2); // half size, then turned 90°
            var wrongSize = 0;
            foreach (var mode in new[] { "magick-serial", "magick-io", "magick-process" })
                foreach (var name in names)
                    if (await magick.SizeAsync(Path.Combine(root.FullName, mode, name + ".png"), cancellationToken).ConfigureAwait(false) != expected)
                        wrongSize++;
            var differing = names.Count(name =>
            {
                var serial = File.ReadAllBytes(Path.Combine(root.FullName, "blur-serial", name + ".ppm"));
                return !serial.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(root.FullName, "blur-cpu", name + ".ppm"))) ||
                       !serial.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(root.FullName, "blur-process", name + ".ppm")));
            });
            var ok = wrongSize == 0 && differing == 0;
            output.WriteLine(ok
                ? FormattableString.Invariant($"check     {3 * names.Length} ImageMagick results are {expected.Item1}x{expected.Item2} (identify); the C# blur gave the same bytes serially, on the Cpu lane and on the Process lane")
                : FormattableString.Invariant($"check     FAILED: {wrongSize} ImageMagick results of the wrong size, {differing} C# results differing between modes"));
            if (options.Output is not null) Say($"output    {root.FullName}");
            return ok ? 0 : 1;
        }
        finally
        {
            if (options.Output is null) root.Delete(recursive: true);
        }
    }

    // The pool starts its workers as soon as the lane exists; waiting for them keeps their start-up out of the timings.
    private static async Task WaitForWorkersAsync(ProcessLane lane, int workers, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (lane.PoolStatistics().WorkersAlive < workers)
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(1))
                throw new TimeoutException($"The Process lane's {workers} workers did not all start within a minute.");
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }
    }
}
