using System.Diagnostics;

namespace Switchyard.Processes.Tests.Support;

internal static class TestLanes
{
    /// <summary>A Process lane whose worker output goes nowhere (tests print noise on purpose).</summary>
    public static ProcessLane Create(int workers = 2) =>
        ProcessLane.Create(new ProcessLaneOptions { Workers = workers, WorkerOutput = TextWriter.Null });

    public static bool Exited(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true; // no such process
        }
    }
}
