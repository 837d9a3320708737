using System.Diagnostics.Metrics;
using Switchyard.Jobs.Workers;

namespace Switchyard.Server.Metrics;

/// <summary>
/// Listens to the queue's instruments on the "Switchyard" meter (attempts that ended, and their durations) and keeps the
/// totals <c>/metrics</c> writes. The meter is process-wide, so this sees every worker in the process, hosted or not.
/// </summary>
internal sealed class JobMetricsCollector : IDisposable
{
    /// <summary>The duration histogram's upper bounds in seconds (Prometheus' usual ones, stretched to five minutes); +Inf is implied.</summary>
    public static readonly double[] Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Kind, string Queue, string State), long> _attempts = [];
    private readonly Dictionary<(string Kind, string Queue), Histogram> _durations = [];

    /// <summary>One histogram series: per-bucket counts (not cumulative; the last is +Inf), the sum and the count.</summary>
    public sealed class Histogram
    {
        public long[] Counts { get; } = new long[Buckets.Length + 1];
        public double Sum { get; set; }
        public long Count { get; set; }
    }

    public JobMetricsCollector()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SwitchyardDiagnostics.Name && instrument.Name is JobMetrics.Attempts or JobMetrics.AttemptDuration)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name != JobMetrics.Attempts) return;
            var key = Labels(tags);
            lock (_gate) _attempts[key] = _attempts.GetValueOrDefault(key) + value;
        });
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (instrument.Name != JobMetrics.AttemptDuration) return;
            var (kind, queue, _) = Labels(tags);
            var bucket = Array.FindIndex(Buckets, bound => value <= bound);
            lock (_gate)
            {
                if (!_durations.TryGetValue((kind, queue), out var histogram))
                    _durations[(kind, queue)] = histogram = new Histogram();
                histogram.Counts[bucket < 0 ? Buckets.Length : bucket]++;
                histogram.Sum += value;
                histogram.Count++;
            }
        });
        _listener.Start();
    }

    /// <summary>A copy of the attempt counters: (kind, queue, state) to count. An attempt's outcome is the state it left the job in.</summary>
    public Dictionary<(string Kind, string Queue, string State), long> Attempts()
    {
        lock (_gate) return new(_attempts);
    }

    /// <summary>A copy of the duration histograms by (kind, queue).</summary>
    public Dictionary<(string Kind, string Queue), Histogram> Durations()
    {
        lock (_gate)
        {
            return _durations.ToDictionary(p => p.Key, p =>
            {
                var copy = new Histogram { Sum = p.Value.Sum, Count = p.Value.Count };
                p.Value.Counts.CopyTo(copy.Counts, 0);
                return copy;
            });
        }
    }

    private static (string Kind, string Queue, string State) Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string kind = "", queue = "", state = "";
        foreach (var tag in tags)
        {
            switch (tag.Key)
            {
                case "switchyard.job.kind": kind = tag.Value as string ?? ""; break;
                case "switchyard.job.queue": queue = tag.Value as string ?? ""; break;
                case "switchyard.outcome": state = State(tag.Value as string ?? ""); break;
            }
        }
        return (kind, queue, state);
    }

    // The worker's outcome names as the state they leave a job in ("retry" leaves it retrying; "released" returns it to available).
    private static string State(string outcome) => outcome switch
    {
        "retry" => "retrying",
        "released" => "available",
        _ => outcome,
    };

    public void Dispose() => _listener.Dispose();
}
