using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Switchyard.Diagnostics;

namespace Switchyard;

/// <summary>
/// Notices thread-pool starvation: at every interval it queues a probe and, from its own dedicated thread
/// (which starvation cannot hold up), reports when the probe waits past the threshold to start. Starvation
/// is what blocking calls in async code do to everything else in the process.
/// </summary>
public sealed class ThreadPoolWatchdog : IDisposable
{
    private readonly ThreadPoolWatchdogOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private int _reports;

    private ThreadPoolWatchdog(ThreadPoolWatchdogOptions options)
    {
        if (options.Interval <= TimeSpan.Zero) throw new ArgumentException($"ThreadPoolWatchdogOptions.Interval must be positive (was {options.Interval}).", nameof(options));
        if (options.Threshold <= TimeSpan.Zero) throw new ArgumentException($"ThreadPoolWatchdogOptions.Threshold must be positive (was {options.Threshold}).", nameof(options));
        _options = options;
        _thread = new Thread(Watch) { IsBackground = true, Name = "switchyard-watchdog" };
    }

    /// <summary>Starts watching; dispose to stop.</summary>
    public static ThreadPoolWatchdog Start(ThreadPoolWatchdogOptions? options = null)
    {
        var watchdog = new ThreadPoolWatchdog(options ?? new ThreadPoolWatchdogOptions());
        watchdog._thread.Start();
        return watchdog;
    }

    /// <summary>Raised (on the watchdog's thread) when a probe waited past the threshold.</summary>
    public event EventHandler<ThreadPoolStarvationEventArgs>? Starved;

    /// <summary>How many times starvation was reported.</summary>
    public int Reports => Volatile.Read(ref _reports);

    private void Watch()
    {
        var token = _stop.Token;
        while (!token.WaitHandle.WaitOne(_options.Interval))
        {
            using var ran = new ManualResetEventSlim();
            var queued = Stopwatch.GetTimestamp();
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Set(), ran, preferLocal: false);
            if (WaitHandle.WaitAny([ran.WaitHandle, token.WaitHandle], _options.Threshold) != WaitHandle.WaitTimeout) continue;

            var report = new ThreadPoolStarvationEventArgs(Stopwatch.GetElapsedTime(queued), ThreadPool.ThreadCount, ThreadPool.PendingWorkItemCount);
            Interlocked.Increment(ref _reports);
            if (SwitchyardDiagnostics.StarvationsCounter.Enabled) SwitchyardDiagnostics.StarvationsCounter.Add(1);
            if (_options.Logger is not null) Log.Starvation(_options.Logger, report.Waited.TotalMilliseconds, report.Threads, report.Pending);
            Starved?.Invoke(this, report);
            // Don't pile up probes behind the same blockage: wait for this one before the next interval.
            WaitHandle.WaitAny([ran.WaitHandle, token.WaitHandle]);
        }
    }

    /// <summary>Stops the watchdog and waits for its thread to end.</summary>
    public void Dispose()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
    }
}
