using System.Globalization;

namespace Switchyard.Lab.Experiments;

/// <summary>Waits one after another add up; waits started together overlap. Then many thousands of waits at once.</summary>
internal sealed class E01SyncVsAsync : IExperiment
{
    private const int Queries = 10;
    private static readonly TimeSpan Wait = TimeSpan.FromMilliseconds(100);
    private static readonly int[] QuickMany = [1_000, 10_000];
    private static readonly int[] FullMany = [1_000, 100_000];

    public int Number => 1;
    public string Title => "Sync vs async I/O";
    public string Claim => "10 queries of 100 ms take 1.0 s one after another and 0.1 s at once; async scales to 1,000 and 100,000 concurrent waits.";

    public async Task<ExperimentResult> RunAsync(LabContext context)
    {
        var token = context.CancellationToken;
        var many = context.Pick(QuickMany, FullMany);
        var chart = new LabChart("Wall time of 100 ms waits", "s");
        const string Sequential = "10 one after another";
        const string AtOnce = "10 at once";
        static string Many(int n) => string.Create(CultureInfo.InvariantCulture, $"{n:N0} at once");

        context.Step("raw .NET");
        await Task.WhenAll(Enumerable.Range(0, Queries).Select(_ => Task.Delay(1, token))).ConfigureAwait(false); // jitted before the clock starts
        chart.Set(Contender.Dotnet, Sequential, await Clock.SecondsAsync(async () =>
        {
            for (var i = 0; i < Queries; i++) await Task.Delay(Wait, token).ConfigureAwait(false);
        }).ConfigureAwait(false));
        chart.Set(Contender.Dotnet, AtOnce, await Clock.SecondsAsync(() => Task.WhenAll(Enumerable.Range(0, Queries).Select(_ => Task.Delay(Wait, token)))).ConfigureAwait(false));
        foreach (var n in many)
            chart.Set(Contender.Dotnet, Many(n), await Clock.SecondsAsync(() => Task.WhenAll(Enumerable.Range(0, n).Select(_ => Task.Delay(Wait, token)))).ConfigureAwait(false));

        context.Step("Switchyard Io lane");
        await using (var io = Lane.Io(new IoLaneOptions { MaxConcurrency = IoLaneOptions.Unbounded, Name = "lab-io" }))
        {
            await WaitAll(io, Queries, token).ConfigureAwait(false); // jitted before the clock starts
            chart.Set(Contender.Switchyard, Sequential, await Clock.SecondsAsync(async () =>
            {
                for (var i = 0; i < Queries; i++) await io.RunAsync(ct => new ValueTask(Task.Delay(Wait, ct)), token).ConfigureAwait(false);
            }).ConfigureAwait(false));
            chart.Set(Contender.Switchyard, AtOnce, await Clock.SecondsAsync(() => WaitAll(io, Queries, token)).ConfigureAwait(false));
            foreach (var n in many)
                chart.Set(Contender.Switchyard, Many(n), await Clock.SecondsAsync(() => WaitAll(io, n, token)).ConfigureAwait(false));
            // The same waits through MapAsync, which also keeps results in input order within a window: its cost shows at scale.
            var mapped = await Clock.SecondsAsync(() => io.MapAsync(Enumerable.Range(0, many[^1]), async (i, ct) =>
            {
                await Task.Delay(Wait, ct).ConfigureAwait(false);
                return i;
            }, new MapOptions { Window = many[^1] }, token)).ConfigureAwait(false);
            context.Note(string.Create(CultureInfo.InvariantCulture,
                $"The Switchyard series starts each wait with Io lane RunAsync; lane.MapAsync over the same {many[^1]:N0} waits (window {many[^1]:N0}) took {mapped:0.000} s."));
        }

        if (await context.PythonAsync("waits", new { n = Queries, wait = Wait.TotalSeconds, many }).ConfigureAwait(false) is { } py)
        {
            chart.Set(Contender.Python, Sequential, py.Number("sequential_s"));
            chart.Set(Contender.Python, AtOnce, py.Number("concurrent_s"));
            foreach (var n in many) chart.Set(Contender.Python, Many(n), py.Number("many_s", n.ToString(CultureInfo.InvariantCulture)));
        }

        var sequential = chart.Get(Contender.Switchyard, Sequential)!.Value;
        var atOnce = chart.Get(Contender.Switchyard, AtOnce)!.Value;
        var largest = chart.Get(Contender.Switchyard, Many(many[^1]))!.Value;
        var holds = sequential >= 0.95 && atOnce < 0.2;
        var why = string.Create(CultureInfo.InvariantCulture,
            $"On the Io lane 10 × 100 ms took {sequential:0.00} s one after another and {atOnce:0.000} s at once " +
            $"({sequential / atOnce:0.0}× faster); {many[^1]:N0} waits at once took {largest:0.000} s, against {many[^1] * Wait.TotalSeconds:N0} s one after another: " +
            $"a waiting task holds no thread, so the waits overlap.");
        if (chart.Get(Contender.Python, Many(many[^1])) is { } python)
            why += string.Create(CultureInfo.InvariantCulture, $" asyncio needed {python:0.000} s for the same {many[^1]:N0} waits (one thread runs every callback).");
        return context.Result(holds ? Verdict.Holds : Verdict.Partly, why, chart);
    }

    private static Task WaitAll(Lane io, int n, CancellationToken token)
    {
        var waits = new Task[n];
        for (var i = 0; i < n; i++) waits[i] = io.RunAsync(ct => new ValueTask(Task.Delay(Wait, ct)), token);
        return Task.WhenAll(waits);
    }
}
