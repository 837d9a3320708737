namespace Switchyard;

/// <summary>Which concurrency model a lane uses.</summary>
public enum LaneKind
{
    /// <summary>Async work, many in flight on few threads, bounded by a concurrency limit.</summary>
    Io,
    /// <summary>Synchronous work, in parallel on dedicated worker threads (one per core by default).</summary>
    Cpu,
    /// <summary>One dedicated thread with its own synchronization context: an event loop, no locks needed.</summary>
    Loop,
    /// <summary>A pool of worker processes (Switchyard.Processes).</summary>
    Process,
    /// <summary>Measures the work, then routes it to Io or Cpu and sizes the concurrency.</summary>
    Auto,
}
