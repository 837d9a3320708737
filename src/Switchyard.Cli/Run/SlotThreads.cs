using System.Collections.Concurrent;

namespace Switchyard.Cli.Run;

/// <summary>
/// At most <c>count</c> long-lived threads (one per -j slot, started as the first jobs come) that run job attempts
/// synchronously: an attempt blocks in poll and waitpid, so it must not hold a thread-pool thread, and a thread per job
/// would cost a thread start each. The attempt's task completes inline on the slot thread (no hop to the pool), so
/// the engine's next job is usually queued from this same thread and picked up by it without a wake-up.
/// </summary>
internal sealed class SlotThreads(int count) : IDisposable
{
    private readonly BlockingCollection<Action> _work = [];
    private int _started;

    /// <summary>Runs <paramref name="attempt"/> on a slot thread; the task ends when it does.</summary>
    public Task Run(Action attempt)
    {
        // No RunContinuationsAsynchronously: whoever awaits continues on the slot thread.
        var done = new TaskCompletionSource();
        _work.Add(() =>
        {
            try
            {
                attempt();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        if (Volatile.Read(ref _started) < count && Interlocked.Increment(ref _started) <= count)
            new Thread(Loop, 256 * 1024) { IsBackground = true, Name = "yard run slot" }.Start();
        return done.Task;
    }

    private void Loop()
    {
        foreach (var work in _work.GetConsumingEnumerable()) work();
    }

    /// <summary>Lets the threads end once the work queued so far is done.</summary>
    public void Dispose() => _work.CompleteAdding();
}
