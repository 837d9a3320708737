namespace Switchyard.Processes.Workers;

/// <summary>Says how a process ended, naming the signal on Unix (where .NET reports 128 + the signal number).</summary>
internal static class ExitDescription
{
    public static string Of(int exitCode)
    {
        if (!OperatingSystem.IsWindows() && exitCode > 128 && exitCode < 128 + 32)
            return $"killed by {SignalName(exitCode - 128)} (exit {exitCode})";
        return OperatingSystem.IsWindows() && exitCode < 0
            ? $"exit code 0x{exitCode:X8}" // NTSTATUS, e.g. 0xC00000FD for a stack overflow
            : $"exit code {exitCode}";
    }

    private static string SignalName(int signal) => signal switch
    {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        4 => "SIGILL",
        5 => "SIGTRAP",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        15 => "SIGTERM",
        _ => $"signal {signal}",
    };
}
