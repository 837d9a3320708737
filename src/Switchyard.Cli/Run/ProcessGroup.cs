using System.Runtime.InteropServices;

namespace Switchyard.Cli.Run;

/// <summary>
/// Signals a job's whole process group. The job starts under util-linux <c>setsid</c>, which makes it the
/// leader of a new session and process group (pgid = its pid) before it execs the command; .NET cannot
/// call setpgid on a child itself, and has no API to send TERM, hence kill(2) through libc.
/// </summary>
internal static partial class ProcessGroup
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    /// <summary>The setsid binary, or null when it is not installed (then only the job's own process is signalled).</summary>
    public static readonly string? Setsid = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);

    /// <summary>Sends <paramref name="signal"/> to the group led by <paramref name="pid"/> when <paramref name="group"/> (it was started under setsid), else to the process alone.</summary>
    public static void Signal(int pid, int signal, bool group)
    {
        // kill(0) and kill(-1) mean "my own group" and "everyone": never let a missing pid turn into either.
        if (pid <= 1) throw new ArgumentOutOfRangeException(nameof(pid), pid, "A job's pid must be greater than 1.");
        _ = Kill(group ? -pid : pid, signal); // ESRCH (already gone) is fine
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Kill(int pid, int signal);
}
