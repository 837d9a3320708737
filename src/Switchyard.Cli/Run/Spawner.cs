using System.Collections;
using System.Runtime.InteropServices;

namespace Switchyard.Cli.Run;

/// <summary>
/// Starts a job's process with glibc's posix_spawn: argv only (no shell), stdin /dev/null, stdout and stderr
/// into pipes, in a new session (POSIX_SPAWN_SETSID, so pgid = pid and the whole group can be killed), every
/// signal back to its default (the runtime ignores SIGPIPE, which exec would otherwise pass on), the environment
/// as <see cref="Environment"/> had it when the spawner was made, and our working directory.
/// Hand-written because no package here spawns with SETSID: <see cref="System.Diagnostics.Process"/> cannot start
/// a child in its own session or group (that took a second exec through util-linux setsid per job), and it copies
/// the environment and makes a stdin pipe and a wait registration per start. Linux (glibc ≥ 2.26) only, like yard run.
/// The pipes are read and the exit waited for by <see cref="SpawnedProcess"/>.
/// </summary>
internal sealed unsafe partial class Spawner : IDisposable
{
    private const int PosixSpawnSetSigDef = 0x04;
    private const int PosixSpawnSetSigMask = 0x08;
    private const int PosixSpawnSetSid = 0x80;
    private const int OCloExec = 0x80000;

    // posix_spawnattr_t is 336 bytes and posix_spawn_file_actions_t 80 on x86-64 glibc; room to spare, never read here.
    private const int OpaqueSize = 1024;

    private readonly byte** _envp;
    private readonly int _envCount;
    private readonly void* _attr; // the same for every job, so made once: posix_spawn only reads it
    private readonly Dictionary<string, string?> _resolved = new(StringComparer.Ordinal);

    public Spawner()
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("yard run starts jobs with Linux's posix_spawn.");
        var env = Environment.GetEnvironmentVariables();
        _envp = (byte**)NativeMemory.AllocZeroed((nuint)(env.Count + 1), (nuint)sizeof(byte*));
        foreach (DictionaryEntry e in env) _envp[_envCount++] = (byte*)Marshal.StringToCoTaskMemUTF8($"{e.Key}={e.Value}");

        _attr = NativeMemory.AllocZeroed(OpaqueSize);
        var sigset = NativeMemory.AllocZeroed(OpaqueSize);
        try
        {
            Check(PosixSpawnattrInit(_attr), "posix_spawnattr_init");
            Check(PosixSpawnattrSetflags(_attr, (short)(PosixSpawnSetSid | PosixSpawnSetSigDef | PosixSpawnSetSigMask)), "posix_spawnattr_setflags");
            Check(SigFillSet(sigset), "sigfillset");
            Check(PosixSpawnattrSetsigdefault(_attr, sigset), "posix_spawnattr_setsigdefault"); // copies the set
            Check(SigEmptySet(sigset), "sigemptyset");
            Check(PosixSpawnattrSetsigmask(_attr, sigset), "posix_spawnattr_setsigmask");
        }
        finally
        {
            NativeMemory.Free(sigset);
        }
    }

    /// <summary>Starts <paramref name="argv"/>; a command that cannot be started throws <see cref="SpawnException"/>.</summary>
    public SpawnedProcess Start(IReadOnlyList<string> argv)
    {
        ArgumentOutOfRangeException.ThrowIfZero(argv.Count);
        var path = Resolve(argv[0]) ?? throw new SpawnException(argv[0], 2 /* ENOENT */, "command not found");
        int* outPipe = stackalloc int[2];
        int* errPipe = stackalloc int[2];
        if (Pipe2(outPipe, OCloExec) != 0) throw new IOException($"pipe2 failed: {Marshal.GetLastPInvokeErrorMessage()}");
        if (Pipe2(errPipe, OCloExec) != 0)
        {
            Close(outPipe[0]);
            Close(outPipe[1]);
            throw new IOException($"pipe2 failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }

        var actions = NativeMemory.AllocZeroed(OpaqueSize);
        var cPath = (byte*)Marshal.StringToCoTaskMemUTF8(path);
        var cArgv = (byte**)NativeMemory.AllocZeroed((nuint)(argv.Count + 1), (nuint)sizeof(byte*));
        int pid;
        int error;
        try
        {
            for (var i = 0; i < argv.Count; i++) cArgv[i] = (byte*)Marshal.StringToCoTaskMemUTF8(argv[i]);
            Check(PosixSpawnFileActionsInit(actions), "posix_spawn_file_actions_init");
            try
            {
                fixed (byte* devNull = "/dev/null"u8)
                    Check(PosixSpawnFileActionsAddopen(actions, 0, devNull, 0 /* O_RDONLY */, 0), "posix_spawn_file_actions_addopen");
                Check(PosixSpawnFileActionsAdddup2(actions, outPipe[1], 1), "posix_spawn_file_actions_adddup2");
                Check(PosixSpawnFileActionsAdddup2(actions, errPipe[1], 2), "posix_spawn_file_actions_adddup2");
                error = PosixSpawn(&pid, cPath, actions, _attr, cArgv, _envp);
            }
            finally
            {
                _ = PosixSpawnFileActionsDestroy(actions);
            }
        }
        finally
        {
            for (var i = 0; i < argv.Count; i++) Marshal.FreeCoTaskMem((nint)cArgv[i]);
            NativeMemory.Free(cArgv);
            Marshal.FreeCoTaskMem((nint)cPath);
            NativeMemory.Free(actions);
            Close(outPipe[1]);
            Close(errPipe[1]);
        }
        if (error != 0)
        {
            Close(outPipe[0]);
            Close(errPipe[0]);
            throw new SpawnException(argv[0], error, Marshal.GetPInvokeErrorMessage(error));
        }
        return new SpawnedProcess(pid, outPipe[0], errPipe[0]);
    }

    // PATH lookup once per command name with Environment's PATH (posix_spawnp would read libc's copy, which
    // Environment.SetEnvironmentVariable does not change); a name with a slash is used as it is.
    private string? Resolve(string command)
    {
        if (command.Contains('/', StringComparison.Ordinal)) return command;
        lock (_resolved)
        {
            if (_resolved.TryGetValue(command, out var known)) return known;
            string? found = null;
            foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = Path.Combine(dir, command);
                if (File.Exists(candidate) && Access(candidate, 1 /* X_OK */) == 0)
                {
                    found = candidate;
                    break;
                }
            }
            // Not cached when missing: the command may be installed while the run goes on.
            if (found is not null) _resolved[command] = found;
            return found;
        }
    }

    /// <summary>Closes a pipe end this spawner made; nothing to report (they are our own fresh fds).</summary>
    internal static void Close(int fd) => _ = CloseFd(fd);

    private static void Check(int result, string what)
    {
        if (result != 0) throw new IOException($"{what} failed with error {result}");
    }

    public void Dispose()
    {
        _ = PosixSpawnattrDestroy(_attr);
        NativeMemory.Free(_attr);
        for (var i = 0; i < _envCount; i++) Marshal.FreeCoTaskMem((nint)_envp[i]);
        NativeMemory.Free(_envp);
    }

    [LibraryImport("libc", EntryPoint = "posix_spawn")]
    private static partial int PosixSpawn(int* pid, byte* path, void* fileActions, void* attr, byte** argv, byte** envp);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_init")]
    private static partial int PosixSpawnattrInit(void* attr);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_destroy")]
    private static partial int PosixSpawnattrDestroy(void* attr);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setflags")]
    private static partial int PosixSpawnattrSetflags(void* attr, short flags);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigdefault")]
    private static partial int PosixSpawnattrSetsigdefault(void* attr, void* sigset);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigmask")]
    private static partial int PosixSpawnattrSetsigmask(void* attr, void* sigset);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_init")]
    private static partial int PosixSpawnFileActionsInit(void* actions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_destroy")]
    private static partial int PosixSpawnFileActionsDestroy(void* actions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_adddup2")]
    private static partial int PosixSpawnFileActionsAdddup2(void* actions, int fd, int newFd);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addopen")]
    private static partial int PosixSpawnFileActionsAddopen(void* actions, int fd, byte* path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "sigfillset")]
    private static partial int SigFillSet(void* set);

    [LibraryImport("libc", EntryPoint = "sigemptyset")]
    private static partial int SigEmptySet(void* set);

    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    private static partial int Pipe2(int* fds, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int CloseFd(int fd);

    [LibraryImport("libc", EntryPoint = "access", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Access(string path, int mode);
}
