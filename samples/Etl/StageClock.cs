using System.Diagnostics;

namespace Switchyard.Samples.Etl;

/// <summary>Rows and busy time of one stage, added to from any thread.</summary>
internal sealed class StageClock
{
    private long _rows;
    private long _busyTicks;

    public long Rows => Interlocked.Read(ref _rows);

    public TimeSpan Busy => TimeSpan.FromTicks(Interlocked.Read(ref _busyTicks));

    public void Add(long rows, TimeSpan busy)
    {
        Interlocked.Add(ref _rows, rows);
        Interlocked.Add(ref _busyTicks, busy.Ticks);
    }

    public void Add(long rows, long startTimestamp) => Add(rows, Stopwatch.GetElapsedTime(startTimestamp));
}
