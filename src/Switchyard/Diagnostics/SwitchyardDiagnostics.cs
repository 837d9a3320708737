using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Switchyard;

/// <summary>
/// The names Switchyard publishes its telemetry under. Listen with any
/// <see cref="MeterListener"/> / <see cref="ActivityListener"/> (or OpenTelemetry's
/// <c>AddMeter("Switchyard")</c> and <c>AddSource("Switchyard")</c>).
/// </summary>
/// <remarks>
/// Instruments (tags: <c>switchyard.lane</c> = the lane's name, <c>switchyard.lane.kind</c> = io|cpu|loop|process|auto,
/// and on the item instruments <c>switchyard.outcome</c> = completed|failed|cancelled):
/// <list type="table">
/// <item><term><c>switchyard.lane.items</c></term><description>Counter, <c>{item}</c>: items that ended, by outcome.</description></item>
/// <item><term><c>switchyard.lane.item.duration</c></term><description>Histogram, <c>s</c>: time from start to end of each item, by outcome.</description></item>
/// <item><term><c>switchyard.lane.in_flight</c></term><description>UpDownCounter, <c>{item}</c>: items running now.</description></item>
/// <item><term><c>switchyard.lane.queued</c></term><description>UpDownCounter, <c>{item}</c>: items accepted and waiting to start.</description></item>
/// <item><term><c>switchyard.lane.stalls</c></term><description>Counter, <c>{stall}</c>: items that blocked an Io or Loop lane's thread past its stall threshold.</description></item>
/// <item><term><c>switchyard.threadpool.starvations</c></term><description>Counter, <c>{event}</c>: times the <see cref="ThreadPoolWatchdog"/> saw queued work wait past its threshold.</description></item>
/// <item><term><c>switchyard.pipeline.stage.items</c></term><description>Counter, <c>{item}</c>: items a pipeline stage finished (tag <c>switchyard.stage</c>).</description></item>
/// </list>
/// Activities: <c>switchyard.scope</c> (one per scope), <c>switchyard.map</c> (one per map or stream run),
/// <c>switchyard.pipeline</c> (one per pipeline run). Items themselves get no activity: that would cost
/// more than most items do.
/// </remarks>
public static class SwitchyardDiagnostics
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> and of the <see cref="System.Diagnostics.ActivitySource"/>.</summary>
    public const string Name = "Switchyard";

    /// <summary>Counter: items that ended, tagged by lane, kind and outcome.</summary>
    public const string LaneItems = "switchyard.lane.items";

    /// <summary>Histogram (seconds): item duration, tagged by lane, kind and outcome.</summary>
    public const string LaneItemDuration = "switchyard.lane.item.duration";

    /// <summary>UpDownCounter: items running now, tagged by lane and kind.</summary>
    public const string LaneInFlight = "switchyard.lane.in_flight";

    /// <summary>UpDownCounter: items waiting to start, tagged by lane and kind.</summary>
    public const string LaneQueued = "switchyard.lane.queued";

    /// <summary>Counter: items that blocked an Io or Loop lane's thread past the stall threshold, tagged by lane and kind.</summary>
    public const string LaneStalls = "switchyard.lane.stalls";

    /// <summary>Counter: times queued thread-pool work waited past the watchdog's threshold.</summary>
    public const string ThreadPoolStarvations = "switchyard.threadpool.starvations";

    /// <summary>Counter: items a pipeline stage finished, tagged by stage and outcome.</summary>
    public const string StageItems = "switchyard.pipeline.stage.items";

    internal static readonly Meter Meter = new(Name, typeof(SwitchyardDiagnostics).Assembly.GetName().Version?.ToString());
    internal static readonly ActivitySource ActivitySource = new(Name, typeof(SwitchyardDiagnostics).Assembly.GetName().Version?.ToString());

    internal static readonly Counter<long> ItemsCounter = Meter.CreateCounter<long>(LaneItems, "{item}", "Items that ended, by outcome.");
    internal static readonly Histogram<double> DurationHistogram = Meter.CreateHistogram<double>(LaneItemDuration, "s", "Time from the start to the end of an item.");
    internal static readonly UpDownCounter<long> InFlightCounter = Meter.CreateUpDownCounter<long>(LaneInFlight, "{item}", "Items running now.");
    internal static readonly UpDownCounter<long> QueuedCounter = Meter.CreateUpDownCounter<long>(LaneQueued, "{item}", "Items waiting to start.");
    internal static readonly Counter<long> StallsCounter = Meter.CreateCounter<long>(LaneStalls, "{stall}", "Items that blocked an Io or Loop lane's thread.");
    internal static readonly Counter<long> StarvationsCounter = Meter.CreateCounter<long>(ThreadPoolStarvations, "{event}", "Times queued thread-pool work waited past the threshold.");
    internal static readonly Counter<long> StageItemsCounter = Meter.CreateCounter<long>(StageItems, "{item}", "Items a pipeline stage finished.");
}
