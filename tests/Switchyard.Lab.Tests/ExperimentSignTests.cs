using Switchyard.Lab;
using Switchyard.Testing;

namespace Switchyard.Lab.Tests;

/// <summary>
/// Every experiment, run in quick mode, gives numbers of the right sign: behaviour (which is faster, which loses
/// updates), never a timing threshold.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class ExperimentSignTests(LabFixture lab)
{
    private const string Sy = Contender.Switchyard;
    private const string Net = Contender.Dotnet;
    private const string Py = Contender.Python;

    [Fact]
    public void Every_experiment_ran_with_a_verdict_a_why_and_a_chart_with_numbers()
    {
        Assert.Equal(Enumerable.Range(1, 10), lab.Report.Results.Select(r => r.Number));
        foreach (var result in lab.Report.Results)
        {
            Assert.False(string.IsNullOrWhiteSpace(result.Why), $"experiment {result.Number} has no why");
            Assert.NotEmpty(result.Charts);
            foreach (var chart in result.Charts)
                Assert.Contains(chart.SeriesNames, s => chart.Values(s).Any(v => v is not null));
        }
        foreach (var number in Enumerable.Range(1, 10))
        {
            Assert.Contains($"start {number}", lab.Progress.Events);
            Assert.Contains($"finish {number}", lab.Progress.Events);
        }
    }

    [Fact]
    public void E01_waits_at_once_beat_waits_one_after_another()
    {
        var chart = lab.Result(1).Charts[0];
        foreach (var series in new[] { Sy, Net, Py })
        {
            var sequential = chart.Get(series, "10 one after another")!.Value;
            Assert.True(chart.Get(series, "10 at once") < sequential, series);
            Assert.True(chart.Get(series, "10,000 at once") < sequential, series);
        }
    }

    [Fact]
    public void E02_every_contender_measured_a_positive_speedup()
    {
        var chart = lab.Result(2).Charts[0];
        Assert.True(chart.Get(Sy, "threads") > 0);
        Assert.True(chart.Get(Sy, "processes") > 0);
        Assert.True(chart.Get(Net, "threads") > 0);
        Assert.True(chart.Get(Py, "threads") > 0);
        Assert.True(chart.Get(Py, "processes") > 0);
    }

    [Fact]
    public void E03_threads_and_async_beat_serial_waits()
    {
        var chart = lab.Result(3).Charts[0];
        var pool = chart.Labels.Single(l => l.StartsWith("thread pool", StringComparison.Ordinal));
        foreach (var series in new[] { Net, Py })
            Assert.True(chart.Get(series, "async") < chart.Get(series, "serial"), series);
        Assert.True(chart.Get(Py, pool) < chart.Get(Py, "serial"), Py);
        Assert.True(chart.Get(Sy, pool) < chart.Get(Net, "serial"), Sy);
        Assert.True(chart.Get(Sy, "async") < chart.Get(Net, "serial"));
        // Raw Parallel.For borrows the shared pool, which grows slowly when its threads block (the experiment says so): on
        // a loaded machine it can run on the calling thread alone, as slow as serial (CI saw it once), never much slower.
        Assert.True(chart.Get(Net, pool) < chart.Get(Net, "serial") * 1.2, Net);
    }

    [Fact]
    public void E04_a_waiting_task_costs_less_than_a_waiting_thread_reserves()
    {
        var chart = lab.Result(4).Charts[0];
        var task = chart.Get(Net, "async task (heap)")!.Value;
        Assert.True(task > 0);
        Assert.True(chart.Get(Sy, "async task (heap)") > 0);
        Assert.True(chart.Get(Net, "thread (reserved)") > task);
        Assert.True(chart.Get(Py, "thread (reserved)") > chart.Get(Py, "async task (heap)"));
    }

    [Fact]
    public void E05_an_async_yield_is_cheaper_than_a_thread_switch()
    {
        var chart = lab.Result(5).Charts[0];
        Assert.True(chart.Get(Net, "async yield") < chart.Get(Net, "thread switch"));
        Assert.True(chart.Get(Sy, "async yield") > 0);
        Assert.True(chart.Get(Sy, "process switch") > 0);
        Assert.True(chart.Get(Py, "process switch") > 0);
    }

    [Fact]
    public void E06_a_limit_of_3_takes_longer_than_no_limit()
    {
        var chart = lab.Result(6).Charts[0];
        foreach (var series in new[] { Sy, Net })
            Assert.True(chart.Get(series, "limit 3") > chart.Get(series, "no limit"), series);
        Assert.True(chart.Get(Py, "limit 3") > 0);
    }

    [Fact]
    public void E07_unlocked_increments_lose_updates_locked_and_loop_ones_do_not()
    {
        var chart = lab.Result(7).Charts[0];
        Assert.True(chart.Get(Net, "threads, no lock") > 0);
        Assert.Equal(0, chart.Get(Net, "threads, lock"));
        Assert.Equal(0, chart.Get(Net, "threads, Interlocked"));
        Assert.Equal(0, chart.Get(Sy, "one event loop, no lock"));
        Assert.Equal(0, chart.Get(Py, "threads, lock"));
        Assert.Equal(0, chart.Get(Py, "one event loop, no lock"));
    }

    [Fact]
    public void E08_the_producer_never_gets_further_ahead_than_the_queue_holds()
    {
        var result = lab.Result(8);
        var (throughput, backlog) = (result.Charts[0], result.Charts[1]);
        foreach (var capacity in new[] { 1, 10, 100 })
            foreach (var series in new[] { Sy, Net, Py })
            {
                Assert.True(throughput.Get(series, $"capacity {capacity}") > 0);
                Assert.InRange(backlog.Get(series, $"capacity {capacity}")!.Value, 0, capacity + 2);
            }
    }

    [Fact]
    public void E09_larger_chunks_move_more_items_per_second()
    {
        var chart = lab.Result(9).Charts[0];
        foreach (var series in new[] { Sy, Py })
            Assert.True(chart.Get(series, "chunk 1,000") > chart.Get(series, "chunk 1"), series);
    }

    [Fact]
    public void E10_a_blocking_call_delays_the_loop_and_Switchyard_warns()
    {
        var result = lab.Result(10);
        var chart = result.Charts[0];
        Assert.True(chart.Get(Sy, "other task blocks") > chart.Get(Sy, "other task awaits"));
        Assert.True(chart.Get(Py, "other task blocks") > chart.Get(Py, "other task awaits"));
        Assert.Contains(result.Notes, n => n.Contains("Lane.Stalled", StringComparison.Ordinal) && n.Contains("OtherAsync", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_python_the_experiment_still_runs_and_the_report_says_why()
    {
        var report = await LabRunner.RunAsync(new LabOptions { Quick = true, Only = [6], Python = "/nonexistent/python3" },
            new RecordingProgress(), CancellationToken.None).Within(TimeSpan.FromMinutes(2));
        var result = Assert.Single(report.Results);
        Assert.Contains(result.Notes, n => n.Contains("/nonexistent/python3 not found", StringComparison.Ordinal));
        Assert.DoesNotContain(Py, result.Charts[0].SeriesNames);
        Assert.True(result.Charts[0].Get(Sy, "limit 3") > 0);
    }
}
