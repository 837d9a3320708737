using System.Globalization;

namespace Switchyard.Lab.Experiments;

/// <summary>Twenty waits: one after another, on a pool of threads, and as async tasks.</summary>
internal sealed class E03IoBound : IExperiment
{
    private const int Items = 20;

    public int Number => 3;
    public string Title => "I/O-bound: serial vs thread pool vs async";
    public string Claim => "20 × 0.5 s of I/O take 10 s serially, about ⌈20 ÷ workers⌉ × 0.5 s on a thread pool, and about 0.5 s with async.";

    public async Task<ExperimentResult> RunAsync(LabContext context)
    {
        var token = context.CancellationToken;
        var wait = context.Pick(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(500));
        // Python's ThreadPoolExecutor default, used on both sides so the pools are the same size.
        var workers = Math.Min(32, Environment.ProcessorCount + 4);
        var chart = new LabChart(string.Create(CultureInfo.InvariantCulture, $"Wall time of {Items} × {wait.TotalSeconds:0.##} s waits"), "s");
        const string Serial = "serial";
        var pool = $"thread pool ({workers})";
        const string Async = "async";

        context.Step("raw .NET");
        chart.Set(Contender.Dotnet, Serial, Clock.Seconds(() => { for (var i = 0; i < Items; i++) Thread.Sleep(wait); }));
        chart.Set(Contender.Dotnet, pool, Clock.Seconds(() =>
            Parallel.For(0, Items, new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = token }, _ => Thread.Sleep(wait))));
        chart.Set(Contender.Dotnet, Async, await Clock.SecondsAsync(() => Task.WhenAll(Enumerable.Range(0, Items).Select(_ => Task.Delay(wait, token)))).ConfigureAwait(false));

        context.Step("Switchyard");
        await using (var threads = Lane.Cpu(new CpuLaneOptions { Workers = workers, Name = "lab-threads" }))
        {
            chart.Set(Contender.Switchyard, pool, await Clock.SecondsAsync(() =>
                threads.MapAsync(Enumerable.Range(0, Items), i => { Thread.Sleep(wait); return i; }, new MapOptions { ChunkSize = 1 }, token)).ConfigureAwait(false));
        }
        await using (var io = Lane.Io(new IoLaneOptions { Name = "lab-io" }))
        {
            chart.Set(Contender.Switchyard, Async, await Clock.SecondsAsync(() =>
                io.MapAsync(Enumerable.Range(0, Items), async (i, ct) => { await Task.Delay(wait, ct).ConfigureAwait(false); return i; }, cancellationToken: token)).ConfigureAwait(false));
        }

        if (await context.PythonAsync("io", new { n = Items, wait = wait.TotalSeconds, workers }).ConfigureAwait(false) is { } py)
        {
            chart.Set(Contender.Python, Serial, py.Number("serial_s"));
            chart.Set(Contender.Python, pool, py.Number("threads_s"));
            chart.Set(Contender.Python, Async, py.Number("async_s"));
        }

        var serial = chart.Get(Contender.Dotnet, Serial)!.Value;
        var threaded = chart.Get(Contender.Switchyard, pool)!.Value;
        var async = chart.Get(Contender.Switchyard, Async)!.Value;
        var w = wait.TotalSeconds;
        var poolIdeal = Math.Ceiling((double)Items / workers) * w;
        var holds = serial >= Items * w * 0.95 && threaded < poolIdeal * 1.5 + 0.05 && async < w * 1.5 + 0.05;
        var why = string.Create(CultureInfo.InvariantCulture,
            $"Serial took {serial:0.00} s (ideal {Items * w:0.00}), {workers} threads {threaded:0.00} s (ideal {poolIdeal:0.00}), async {async:0.000} s (ideal {w:0.00}): " +
            $"a waiting thread or task uses no CPU, so the waits overlap as far as there are threads (pool) or at all (async).");
        if (chart.Get(Contender.Dotnet, pool) is { } raw && raw > poolIdeal * 1.5)
            why += string.Create(CultureInfo.InvariantCulture,
                $" Raw Parallel.For on the shared .NET thread pool took {raw:0.00} s: the pool starts with one thread per core and adds threads slowly when they block.");
        return context.Result(holds ? Verdict.Holds : Verdict.Partly, why, chart);
    }
}
