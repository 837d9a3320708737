using System.Globalization;

namespace Switchyard.Cli.Run;

/// <summary>
/// GNU parallel's --joblog format, tab-separated: Seq, Host (":" for this machine), Starttime (Unix seconds),
/// JobRuntime (seconds), Send (0), Receive (stdout bytes), Exitval, Signal, Command. A line is written and
/// flushed when the job's output has been written, so after a crash the log lists exactly the jobs whose
/// output is out; --resume skips those.
/// </summary>
internal sealed class JobLog : IDisposable
{
    private const string Header = "Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand";
    private readonly StreamWriter _writer;

    private JobLog(StreamWriter writer) => _writer = writer;

    /// <summary>Opens <paramref name="path"/>: appends when resuming, otherwise starts it afresh.</summary>
    public static JobLog Open(string path, bool append)
    {
        var exists = append && File.Exists(path) && new FileInfo(path).Length > 0;
        var writer = new StreamWriter(path, append) { AutoFlush = true, NewLine = "\n" };
        if (!exists) writer.WriteLine(Header);
        return new JobLog(writer);
    }

    public void Write(JobResult r)
    {
        var c = CultureInfo.InvariantCulture;
        // A newline in a command would break the line format; GNU parallel writes it as is, yard escapes it.
        var command = r.Job.Command.Replace("\n", "\\n", StringComparison.Ordinal);
        _writer.WriteLine(string.Create(c,
            $"{r.Job.Seq}\t:\t{r.Start.ToUnixTimeMilliseconds() / 1000.0:F3}\t{r.Runtime.TotalSeconds:F3}\t0\t{r.StdoutBytes}\t{r.ExitCode}\t{r.Signal}\t{command}"));
    }

    /// <summary>
    /// The sequence numbers to skip: with <paramref name="failedToo"/> every job in the log (--resume),
    /// otherwise only those that succeeded, exit 0 and no signal (--resume-failed). A torn last line is ignored.
    /// </summary>
    public static HashSet<long> ReadDone(string path, bool failedToo)
    {
        var done = new HashSet<long>();
        if (!File.Exists(path)) return done;
        foreach (var line in File.ReadLines(path))
        {
            var f = line.Split('\t');
            if (f.Length < 9 || !long.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seq)) continue;
            if (failedToo || (f[6] == "0" && f[7] == "0")) done.Add(seq);
        }
        return done;
    }

    public void Dispose() => _writer.Dispose();
}
