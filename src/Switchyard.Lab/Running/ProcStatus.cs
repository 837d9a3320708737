using System.Globalization;

namespace Switchyard.Lab;

/// <summary>
/// This process's resident (VmRSS: committed and touched) and virtual (VmSize: reserved) memory, from Linux's
/// /proc/self/status; null elsewhere. Read by hand: no package exposes it, and Process.WorkingSet64/VirtualMemorySize64
/// read the same file with more work.
/// </summary>
internal static class ProcStatus
{
    public static (long Rss, long Virtual)? Read()
    {
        if (!File.Exists("/proc/self/status")) return null;
        long rss = 0, size = 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kilobytes(line);
            else if (line.StartsWith("VmSize:", StringComparison.Ordinal)) size = Kilobytes(line);
        }
        return (rss, size);
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
}
