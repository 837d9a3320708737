using Microsoft.Extensions.Logging;

namespace Switchyard.Diagnostics;

/// <summary>Every message Switchyard logs, compiled once (LoggerMessage source generator).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "Lane '{Lane}': {Work} blocked its thread for {BlockedMs:0} ms. Await instead of blocking, or run it on the Cpu lane.")]
    public static partial void Stall(ILogger logger, string lane, string work, double blockedMs);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "A Stalled handler of lane '{Lane}' threw.")]
    public static partial void StallHandlerFailed(ILogger logger, Exception error, string lane);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning,
        Message = "Thread pool starvation: queued work waited {WaitedMs:0} ms to start ({Threads} threads, {Pending} items pending). Something is blocking pool threads.")]
    public static partial void Starvation(ILogger logger, double waitedMs, int threads, long pending);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Auto lane '{Lane}': {Decision}")]
    public static partial void AutoDecision(ILogger logger, string lane, string decision);
}
