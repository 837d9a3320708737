using Microsoft.Extensions.Logging;
using Switchyard.Profiling;
using Switchyard.Testing;

namespace Switchyard.Tests.Lanes;

/// <summary>
/// Tests that weigh CPU time against wall time. They run alone in this process: another test's collections suspend their
/// threads for 10-30 ms at a time (seen under the full suite), blocking that a decision must not be judged on.
/// </summary>
[CollectionDefinition(nameof(CpuMeasured), DisableParallelization = true)]
public class CpuMeasured;

[Collection(nameof(CpuMeasured))]
public class AutoLaneTests
{
    /// <summary>
    /// Burns <paramref name="ms"/> ms of this thread's own CPU time (wall time off Linux), so the item computes as much
    /// however busy the machine is. The clock is getrusage, which allocates nothing: a clock read from /proc made the
    /// spinner a garbage source of its own (a gigabyte a second across the samples), and under load its collections'
    /// lock convoys put CPU-bound samples to sleep for tens of milliseconds (CI measured one at 0.35 utilisation).
    /// </summary>
    internal static long Spin(int ms)
    {
        static TimeSpan Now() => ProcFs.ThreadUsage() is { } u ? u.User + u.System : TimeSpan.FromMilliseconds(Environment.TickCount64);
        var until = Now() + TimeSpan.FromMilliseconds(ms);
        long x = 0;
        while (Now() < until)
            for (var i = 0; i < 10_000; i++) x += x * 31 + 7;
        return x;
    }

    [Fact]
    public async Task Spinning_items_are_routed_to_the_cpu_lane()
    {
        await using var lane = Lane.Auto(new AutoLaneOptions { SampleSize = 8 });
        var results = await lane.MapAsync(Enumerable.Range(0, 40), i => Spin(10) * 0 + i).Within();
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), results);
        var stats = lane.Statistics();
        Assert.True(stats.Route == LaneKind.Cpu, ((AutoLane)lane).Decision);
        Assert.InRange(stats.Limit, 1, 2 * Environment.ProcessorCount); // admitted to the Cpu lane, whose workers bound the parallelism
    }

    [Fact]
    public async Task Spinning_items_are_routed_to_the_cpu_lane_while_other_threads_keep_every_core_busy()
    {
        // Twice as many spinning threads as cores: the items spend most of their wall time preempted, not computing.
        using var stop = new CancellationTokenSource();
        var hogs = Enumerable.Range(0, 2 * Environment.ProcessorCount).Select(_ => new Thread(() =>
        {
            long x = 0;
            while (!stop.IsCancellationRequested) x += x * 31 + 7;
            GC.KeepAlive(x);
        }) { IsBackground = true }).ToList();
        hogs.ForEach(t => t.Start());
        try
        {
            await using var lane = Lane.Auto(new AutoLaneOptions { SampleSize = 8 });
            await lane.MapAsync(Enumerable.Range(0, 16), i => Spin(10) * 0 + i).Within();
            Assert.True(lane.Statistics().Route == LaneKind.Cpu, ((AutoLane)lane).Decision);
        }
        finally
        {
            await stop.CancelAsync();
            hogs.ForEach(t => t.Join());
        }
    }

    [Fact]
    public async Task Items_that_block_their_thread_are_routed_to_the_io_lane()
    {
        // Blocking is the work here: a synchronous call that waits (a sleep stands for a blocking read).
        await using var lane = Lane.Auto(new AutoLaneOptions { SampleSize = 8 });
        await lane.MapAsync(Enumerable.Range(0, 16), i => { Thread.Sleep(20); return i; }).Within();
        Assert.True(lane.Statistics().Route == LaneKind.Io, ((AutoLane)lane).Decision);
    }

    [Fact]
    public async Task Waiting_items_are_routed_to_the_io_lane_with_a_wide_limit()
    {
        await using var lane = Lane.Auto(new AutoLaneOptions { SampleSize = 8 });
        await lane.MapAsync(Enumerable.Range(0, 200), async (i, ct) => { await Task.Delay(20, ct); return i; }).Within();
        var stats = lane.Statistics();
        Assert.True(stats.Route == LaneKind.Io, ((AutoLane)lane).Decision);
        Assert.True(stats.Limit > Environment.ProcessorCount * 4, $"limit {stats.Limit}");
    }

    [Fact]
    public async Task The_decision_is_logged_with_its_reasons()
    {
        var log = new ListLogger();
        await using var lane = Lane.Auto(new AutoLaneOptions { SampleSize = 4, Logger = log, Name = "auto-logged" });
        await lane.MapAsync(Enumerable.Range(0, 10), async (i, ct) => { await Task.Delay(5, ct); return i; }).Within();
        var line = Assert.Single(log.Lines, l => l.Contains("routing to", StringComparison.Ordinal));
        Assert.Contains("Auto lane 'auto-logged'", line);
        Assert.Contains("Io lane", line);
        Assert.Contains("utilisation", line);
    }

    [Fact]
    public void Bad_options_are_refused_naming_the_field()
    {
        var error = Assert.Throws<ArgumentException>(() => Lane.Auto(new AutoLaneOptions { SampleSize = 0 }));
        Assert.Contains("AutoLaneOptions.SampleSize", error.Message);
    }

    internal sealed class ListLogger : ILogger
    {
        private readonly List<string> _lines = [];

        public IReadOnlyList<string> Lines { get { lock (_lines) return [.. _lines]; } }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lines) _lines.Add($"{logLevel}: {formatter(state, exception)}");
        }
    }
}
