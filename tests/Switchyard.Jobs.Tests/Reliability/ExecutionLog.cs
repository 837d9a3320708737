using System.Globalization;

namespace Switchyard.Jobs.Tests.Reliability;

/// <summary>
/// The executions <see cref="RecordExecutionHandler"/> recorded: one file "job attempt pid guid" each, in a subfolder
/// per worker process. Shared by the SQLite and PostgreSQL reliability tests.
/// </summary>
public static class ExecutionLog
{
    /// <summary>Every execution, in attempt order for each job (the attempt grows with every lease of a job).</summary>
    public static List<(long Job, int Attempt, int Pid)> Read(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetFileName(f).Split(' '))
            .Select(p => (long.Parse(p[0], CultureInfo.InvariantCulture), int.Parse(p[1], CultureInfo.InvariantCulture), int.Parse(p[2], CultureInfo.InvariantCulture)))
            .OrderBy(e => e.Item1).ThenBy(e => e.Item2)
            .ToList();

    /// <summary>How many executions worker process <paramref name="pid"/> has started (its own subfolder: cheap to watch).</summary>
    public static int CountFor(string folder, int pid)
    {
        var mine = Path.Combine(folder, pid.ToString(CultureInfo.InvariantCulture));
        return Directory.Exists(mine) ? Directory.EnumerateFiles(mine).Count() : 0;
    }

    /// <summary>How many executions every process together has started.</summary>
    public static int Count(string folder) =>
        Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Count() : 0;
}
