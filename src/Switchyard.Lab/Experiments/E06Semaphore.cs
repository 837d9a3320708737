using System.Globalization;

namespace Switchyard.Lab.Experiments;

/// <summary>A limit of 3 over 10 waits: four rounds of 0.3 s.</summary>
internal sealed class E06Semaphore : IExperiment
{
    private const int Tasks = 10;
    private const int Limit = 3;
    private static readonly TimeSpan Wait = TimeSpan.FromMilliseconds(300);

    public int Number => 6;
    public string Title => "A semaphore of 3 over 10 tasks";
    public string Claim => "10 tasks × 0.3 s under a semaphore of 3 take about 1.2 s (⌈10 ÷ 3⌉ = 4 rounds), never more than 3 at once.";

    public async Task<ExperimentResult> RunAsync(LabContext context)
    {
        var token = context.CancellationToken;
        var chart = new LabChart("Wall time of 10 × 0.3 s waits", "s");
        const string Limited = "limit 3";
        const string Unlimited = "no limit";
        var peaks = new Dictionary<string, int>();

        context.Step("raw .NET SemaphoreSlim");
        using (var semaphore = new SemaphoreSlim(Limit))
        {
            var gauge = new Gauge();
            chart.Set(Contender.Dotnet, Limited, await Clock.SecondsAsync(() => Task.WhenAll(Enumerable.Range(0, Tasks).Select(async _ =>
            {
                await semaphore.WaitAsync(token).ConfigureAwait(false);
                try { await gauge.HoldAsync(Wait, token).ConfigureAwait(false); }
                finally { semaphore.Release(); }
            }))).ConfigureAwait(false));
            peaks[Contender.Dotnet] = gauge.Peak;
        }
        chart.Set(Contender.Dotnet, Unlimited, await Clock.SecondsAsync(() => Task.WhenAll(Enumerable.Range(0, Tasks).Select(_ => Task.Delay(Wait, token)))).ConfigureAwait(false));

        context.Step("Switchyard Io lane (MaxConcurrency = 3)");
        foreach (var (label, limit) in new[] { (Limited, Limit), (Unlimited, IoLaneOptions.Unbounded) })
        {
            await using var io = Lane.Io(new IoLaneOptions { MaxConcurrency = limit, Name = "lab-io" });
            var gauge = new Gauge();
            chart.Set(Contender.Switchyard, label, await Clock.SecondsAsync(() =>
                Task.WhenAll(Enumerable.Range(0, Tasks).Select(_ => io.RunAsync(ct => new ValueTask(gauge.HoldAsync(Wait, ct)), token)))).ConfigureAwait(false));
            if (label == Limited) peaks[Contender.Switchyard] = gauge.Peak;
        }

        if (await context.PythonAsync("semaphore", new { limit = Limit, tasks = Tasks, wait = Wait.TotalSeconds }).ConfigureAwait(false) is { } py)
        {
            chart.Set(Contender.Python, Limited, py.Number("seconds"));
            peaks[Contender.Python] = (int)py.Number("max_in_flight");
        }

        var seconds = chart.Get(Contender.Switchyard, Limited)!.Value;
        var holds = seconds is >= 1.15 and < 1.5 && peaks.Values.All(p => p <= Limit);
        var why = string.Create(CultureInfo.InvariantCulture,
            $"The Io lane with MaxConcurrency = 3 took {seconds:0.000} s (raw SemaphoreSlim {chart.Get(Contender.Dotnet, Limited):0.000} s) " +
            $"against {chart.Get(Contender.Switchyard, Unlimited):0.000} s without a limit; at most {string.Join(", ", peaks.Select(p => $"{p.Value} ({p.Key})"))} ran at once. " +
            $"The limit turns 10 overlapping waits into 4 rounds.");
        return context.Result(holds ? Verdict.Holds : Verdict.Partly, why, chart);
    }

    /// <summary>Counts how many holders are inside at once, and the most there ever were.</summary>
    private sealed class Gauge
    {
        private int _now;
        private int _peak;

        public int Peak => Volatile.Read(ref _peak);

        public async Task HoldAsync(TimeSpan wait, CancellationToken token)
        {
            var now = Interlocked.Increment(ref _now);
            int peak;
            while (now > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak) { }
            try { await Task.Delay(wait, token).ConfigureAwait(false); }
            finally { Interlocked.Decrement(ref _now); }
        }
    }
}
