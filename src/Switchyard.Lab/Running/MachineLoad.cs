using System.Globalization;

namespace Switchyard.Lab;

/// <summary>How busy the machine is (Linux's /proc/loadavg): every timing depends on it, so the report states it.</summary>
internal static class MachineLoad
{
    /// <summary>"2.31 2.05 1.80" (1, 5 and 15 minutes), or "unknown".</summary>
    public static string Text() => Read() is { } fields ? string.Join(' ', fields) : "unknown";

    /// <summary>The 1-minute load average, or null where it cannot be read.</summary>
    public static double? OneMinute() =>
        Read() is [var first, ..] && double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var load) ? load : null;

    /// <summary>A sentence for a why when more threads want to run than there are cores; empty otherwise.</summary>
    public static string Caveat() => OneMinute() is { } load && load > Environment.ProcessorCount
        ? string.Create(CultureInfo.InvariantCulture,
            $" The machine was busy (load average {load:0.0} on {Environment.ProcessorCount} cores): CPU-bound timings here are shares of contended cores, not the machine's capacity.")
        : "";

    private static string[]? Read()
    {
        try
        {
            return [.. File.ReadAllText("/proc/loadavg").Split(' ').Take(3)];
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
