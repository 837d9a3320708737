using System.Runtime.InteropServices;

namespace Switchyard.Cli.Run;

/// <summary>
/// Signals a job's whole process group. <see cref="Spawner"/> starts every job as the leader of a new session
/// and process group (pgid = its pid); .NET has no API to signal a group or to send TERM, hence kill(2) through libc.
/// </summary>
internal static partial class ProcessGroup
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    /// <summary>Sends <paramref name="signal"/> to the process group led by <paramref name="pid"/>.</summary>
    public static void Signal(int pid, int signal)
    {
        // kill(0) and kill(-1) mean "my own group" and "everyone": never let a missing pid turn into either.
        if (pid <= 1) throw new ArgumentOutOfRangeException(nameof(pid), pid, "A job's pid must be greater than 1.");
        _ = Kill(-pid, signal); // ESRCH (already gone) is fine
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Kill(int pid, int signal);
}
