using System.Globalization;
using System.Runtime.InteropServices;

namespace Switchyard.Profiling;

/// <summary>
/// Readers of Linux's per-process and per-thread accounting (/proc, getrusage, the thread CPU clock).
/// Written by hand: no package exposes these. Every reader returns null off Linux or when the process is gone.
/// </summary>
internal static partial class ProcFs
{
    /// <summary>Time on the CPU and time waiting for one (runnable, not running), of the calling thread.</summary>
    public static (TimeSpan OnCpu, TimeSpan RunQueueWait)? ThreadSchedStat() => SchedStat("/proc/thread-self/schedstat");

    /// <summary>Time on the CPU and time waiting for one, of process <paramref name="pid"/> (all its threads).</summary>
    public static (TimeSpan OnCpu, TimeSpan RunQueueWait)? ProcessSchedStat(int pid) => SchedStat($"/proc/{pid}/schedstat");

    private static (TimeSpan, TimeSpan)? SchedStat(string path)
    {
        var text = Read(path);
        if (text is null) return null;
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2) return null;
        return (TimeSpan.FromTicks(long.Parse(parts[0], CultureInfo.InvariantCulture) / 100),
                TimeSpan.FromTicks(long.Parse(parts[1], CultureInfo.InvariantCulture) / 100));
    }

    /// <summary>Bytes read and written by process <paramref name="pid"/> at the storage layer (read_bytes, write_bytes), or through any read/write call (rchar, wchar).</summary>
    public static (long ReadBytes, long WriteBytes, long ReadChars, long WriteChars)? Io(int pid)
    {
        var text = Read($"/proc/{pid}/io");
        if (text is null) return null;
        long Field(string name)
        {
            foreach (var line in text.Split('\n'))
                if (line.StartsWith(name + ":", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(name.Length + 1).Trim(), CultureInfo.InvariantCulture);
            return 0;
        }
        return (Field("read_bytes"), Field("write_bytes"), Field("rchar"), Field("wchar"));
    }

    /// <summary>The parent pid of <paramref name="pid"/>, from /proc/PID/stat.</summary>
    public static int? ParentOf(int pid)
    {
        var text = Read($"/proc/{pid}/stat");
        if (text is null) return null;
        var afterName = text.AsSpan(text.LastIndexOf(')') + 2); // the name may hold spaces and parentheses
        var fields = afterName.ToString().Split(' ');
        return fields.Length > 1 && int.TryParse(fields[1], CultureInfo.InvariantCulture, out var ppid) ? ppid : null;
    }

    /// <summary>Every live process whose ancestry reaches <paramref name="root"/>, root included.</summary>
    public static List<int> Tree(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var pid) && ParentOf(pid) is { } ppid)
                parents[pid] = ppid;
        var tree = new List<int> { root };
        for (var i = 0; i < tree.Count; i++)
            foreach (var (pid, ppid) in parents)
                if (ppid == tree[i] && !tree.Contains(pid)) tree.Add(pid);
        return tree;
    }

    /// <summary>Resource use of the terminated children this process has waited for, summed (getrusage RUSAGE_CHILDREN).</summary>
    public static Usage? ChildrenUsage() => UsageOf(RusageChildren);

    /// <summary>
    /// Resource use of the calling thread (getrusage RUSAGE_THREAD): its voluntary switches count how often it gave up
    /// its core by itself (it blocked or slept), its involuntary ones how often it was preempted.
    /// </summary>
    public static Usage? ThreadUsage() => UsageOf(RusageThread);

    private static Usage? UsageOf(int who)
    {
        if (!OperatingSystem.IsLinux()) return null;
        return GetRUsage(who, out var u) == 0
            ? new Usage(u.UserTime.ToTimeSpan(), u.SystemTime.ToTimeSpan(), u.VoluntarySwitches, u.InvoluntarySwitches)
            : null;
    }

    private static string? Read(string path)
    {
        try { return File.ReadAllText(path); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    internal readonly record struct Usage(TimeSpan User, TimeSpan System, long VoluntarySwitches, long InvoluntarySwitches);

    private const int RusageChildren = -1;
    private const int RusageThread = 1;

    [LibraryImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static partial int GetRUsage(int who, out RUsage usage);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeVal
    {
        public long Seconds;
        public long Microseconds;
        public readonly TimeSpan ToTimeSpan() => TimeSpan.FromTicks(Seconds * TimeSpan.TicksPerSecond + Microseconds * 10);
    }

    // struct rusage on 64-bit Linux: two timevals, then fourteen longs.
    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public TimeVal UserTime;
        public TimeVal SystemTime;
        public long MaxRssKb, IxRss, IdRss, IsRss, MinFlt, MajFlt, NSwap, InBlock, OutBlock, MsgSnd, MsgRcv, NSignals;
        public long VoluntarySwitches, InvoluntarySwitches;
    }

    /// <summary>Peak resident set size (VmHWM) of <paramref name="pid"/>, in bytes.</summary>
    public static long? PeakRss(int pid)
    {
        var text = Read($"/proc/{pid}/status");
        if (text is null) return null;
        foreach (var line in text.Split('\n'))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
        return null;
    }
}
