using System.Globalization;

namespace Switchyard.Jobs.Postgres.Tests.Reliability;

/// <summary>The executions <see cref="Jobs.Tests.Reliability.RecordExecutionHandler"/> recorded: one file "job attempt pid guid" each.</summary>
internal static class ExecutionLog
{
    public static List<(long Job, int Attempt, int Pid)> Read(string folder) =>
        Directory.EnumerateFiles(folder)
            .Select(f => Path.GetFileName(f).Split(' '))
            .Select(p => (long.Parse(p[0], CultureInfo.InvariantCulture), int.Parse(p[1], CultureInfo.InvariantCulture), int.Parse(p[2], CultureInfo.InvariantCulture)))
            .OrderBy(e => e.Item1).ThenBy(e => e.Item2) // in attempt order: the attempt grows with every lease of a job
            .ToList();

    public static int CountFor(string folder, int pid)
    {
        var marker = $" {pid.ToString(CultureInfo.InvariantCulture)} ";
        return Directory.EnumerateFiles(folder).Count(f => Path.GetFileName(f).Contains(marker, StringComparison.Ordinal));
    }
}
