using System.Globalization;
using Switchyard.Processes;

namespace Switchyard.Lab.Experiments;

/// <summary>Tiny items through a pool of worker processes, sent one at a time or in chunks.</summary>
internal sealed class E09ChunkSize : IExperiment
{
    private static readonly int[] Sizes = [1, 10, 100, 1_000];

    public int Number => 9;
    public string Title => "Process pool chunk size";
    public string Claim => "With tiny items a process pool spends its time on messages: items per second grow with the chunk size until the work dominates.";

    public async Task<ExperimentResult> RunAsync(LabContext context)
    {
        var token = context.CancellationToken;
        var items = context.Pick(5_000, 100_000);
        var workers = Environment.ProcessorCount;
        var chart = new LabChart(string.Create(CultureInfo.InvariantCulture, $"{items:N0} no-op items over {workers} worker processes"), "items/s") { LogScale = true, Line = true };
        static string Label(int size) => string.Create(CultureInfo.InvariantCulture, $"chunk {size:N0}");

        context.Step("Switchyard Process lane");
        await using (var lane = ProcessLane.Create(new ProcessLaneOptions { Workers = workers, Name = "lab-process", WorkerOutput = TextWriter.Null }))
        {
            foreach (var size in Sizes)
            {
                var options = new MapOptions { ChunkSize = size };
                // An untimed round first, so the figure is of jitted code in started workers (Python has no JIT to warm).
                await lane.MapAsync(Enumerable.Range(0, Math.Min(items, 1_000)), LabWork.Noop, options, token).ConfigureAwait(false);
                var seconds = await Clock.SecondsAsync(() => lane.MapAsync(Enumerable.Range(0, items), LabWork.Noop, options, token)).ConfigureAwait(false);
                chart.Set(Contender.Switchyard, Label(size), items / seconds);
            }
        }
        context.Note(".NET has no process pool of its own (the BCL offers Process, not a pool): the raw .NET series is absent here.");

        if (await context.PythonAsync("chunks", new { items, sizes = Sizes, workers }).ConfigureAwait(false) is { } py)
            foreach (var size in Sizes)
                chart.Set(Contender.Python, Label(size), py.Number(size.ToString(CultureInfo.InvariantCulture)));

        var one = chart.Get(Contender.Switchyard, Label(1))!.Value;
        var most = chart.Get(Contender.Switchyard, Label(Sizes[^1]))!.Value;
        var why = string.Create(CultureInfo.InvariantCulture,
            $"The Process lane moved {one:N0} items/s one at a time and {most:N0} items/s in chunks of {Sizes[^1]:N0} ({most / one:0}×): " +
            $"every message costs a write, a read and two wake-ups whatever it carries, so larger chunks spread that cost over more items.");
        if (chart.Get(Contender.Python, Label(1)) is { } pyOne && chart.Get(Contender.Python, Label(Sizes[^1])) is { } pyMost)
            why += string.Create(CultureInfo.InvariantCulture, $" multiprocessing.Pool.map: {pyOne:N0} → {pyMost:N0} items/s.");
        return context.Result(most > one * 2 ? Verdict.Holds : Verdict.DoesNotHold, why, chart);
    }
}
