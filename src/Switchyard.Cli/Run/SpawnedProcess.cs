using System.Runtime.InteropServices;

namespace Switchyard.Cli.Run;

/// <summary>
/// A job process started by <see cref="Spawner"/>: its pid (also its process group and session id) and the read ends
/// of its stdout and stderr pipes. Read and waited for synchronously on one thread, the way xargs does it (poll, read,
/// waitpid): the pipes through .NET streams and the exit through a SIGCHLD handler each hopped to another thread per job.
/// Hand-written P/Invoke because no package here reads raw pipe fds or waits for one pid without the thread pool.
/// Only this pid is ever waited for (never waitpid(-1)), so children that others started are left alone.
/// </summary>
internal sealed unsafe partial class SpawnedProcess(int pid, int stdoutFd, int stderrFd) : IDisposable
{
    private const short PollIn = 0x001;
    private const int EIntr = 4;
    private const int WNoHang = 1;
    private const int WExited = 4;
    private const int WNoWait = 0x01000000;
    private const int PPid = 1;

    private readonly int[] _fds = [stdoutFd, stderrFd];
    private readonly Lock _reaping = new();
    private bool _reaped;

    public int Pid { get; } = pid;

    /// <summary>
    /// Reads stdout and stderr until both end (the child and everything that inherited the pipes exited or closed
    /// them), passing every read to its target and calling <see cref="IOutputTarget.Complete"/> at each end.
    /// </summary>
    public void ReadToEnd(IOutputTarget stdout, IOutputTarget stderr)
    {
        IOutputTarget[] targets = [stdout, stderr];
        var poll = stackalloc PollFd[2];
        var open = 2;
        while (open > 0)
        {
            for (var i = 0; i < 2; i++) poll[i] = new PollFd { Fd = _fds[i], Events = PollIn }; // a negative fd is skipped
            if (Poll(poll, 2, -1) < 0)
            {
                if (Marshal.GetLastPInvokeError() == EIntr) continue;
                throw new IOException($"poll failed: {Marshal.GetLastPInvokeErrorMessage()}");
            }
            for (var i = 0; i < 2; i++)
            {
                if (_fds[i] < 0 || poll[i].Revents == 0) continue;
                var into = targets[i].FreeSpace();
                long n;
                fixed (byte* p = into) n = Read(_fds[i], p, (nuint)into.Length);
                if (n < 0)
                {
                    if (Marshal.GetLastPInvokeError() == EIntr) continue;
                    throw new IOException($"read failed: {Marshal.GetLastPInvokeErrorMessage()}");
                }
                if (n > 0)
                {
                    targets[i].Commit((int)n);
                    continue;
                }
                Spawner.Close(_fds[i]);
                _fds[i] = -1;
                open--;
                targets[i].Complete();
            }
        }
    }

    /// <summary>
    /// Blocks until the process exits and returns its exit code, or 128 + signal when a signal ended it (what
    /// <see cref="System.Diagnostics.Process.ExitCode"/> gives). It waits without reaping first, then reaps under the
    /// lock <see cref="TrySignal"/> takes, so a signal can never reach a recycled pid.
    /// </summary>
    public int WaitForExit()
    {
        var info = stackalloc byte[128]; // siginfo_t, not read
        while (WaitId(PPid, Pid, info, WExited | WNoWait) < 0)
            if (Marshal.GetLastPInvokeError() != EIntr) throw new IOException($"waitid({Pid}) failed: {Marshal.GetLastPInvokeErrorMessage()}");
        int status;
        int r;
        lock (_reaping)
        {
            while ((r = WaitPid(Pid, &status, WNoHang)) < 0 && Marshal.GetLastPInvokeError() == EIntr) { }
            _reaped = r == Pid;
        }
        if (r != Pid) throw new IOException($"waitpid({Pid}) failed: {Marshal.GetLastPInvokeErrorMessage()}");
        // WIFEXITED: low 7 bits zero, code in bits 8-15; else WTERMSIG in the low 7 bits.
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);
    }

    /// <summary>Sends <paramref name="signal"/> to the process's group unless it was already reaped; false then.</summary>
    public bool TrySignal(int signal)
    {
        lock (_reaping)
        {
            if (_reaped) return false;
            ProcessGroup.Signal(Pid, signal);
            return true;
        }
    }

    public void Dispose()
    {
        for (var i = 0; i < 2; i++)
            if (_fds[i] >= 0)
            {
                Spawner.Close(_fds[i]);
                _fds[i] = -1;
            }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(PollFd* fds, nuint count, int timeout);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "waitid", SetLastError = true)]
    private static partial int WaitId(int idType, int id, byte* info, int options);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    private static partial int WaitPid(int pid, int* status, int options);
}
