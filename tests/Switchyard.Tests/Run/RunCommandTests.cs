using System.Text.Json;
using Switchyard.Testing;

namespace Switchyard.Tests.Run;

public sealed class RunCommandTests : IDisposable
{
    private readonly RunFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Runs yard run, expects exit 0, and returns the stdout lines.</summary>
    private static async Task<string[]> SucceedingLinesAsync(params string[] args)
    {
        var (code, output, error) = await RunFixture.RunAsync(args);
        Assert.True(code == 0, $"exit {code}: {error}");
        return Lines(output);
    }

    [Fact]
    public async Task Keep_order_prints_in_input_order_even_when_a_later_job_finishes_first()
    {
        // Job 1 cannot finish before job 3 has started: they meet at a named pipe, and job 3 prints first.
        var meet = _f.Fifo("meet");
        var (code, output, _) = await RunFixture.RunAsync("-j", "3", "-k", "--shell",
            $"if [ {{}} = 1 ]; then read x < {meet}; fi; echo job{{}}; if [ {{}} = 3 ]; then echo go > {meet}; fi",
            ":::", "1", "2", "3", "4", "5");
        Assert.Equal(0, code);
        Assert.Equal(["job1", "job2", "job3", "job4", "job5"], Lines(output));
    }

    [Fact]
    public async Task Two_jobs_printing_ten_thousand_lines_each_are_not_interleaved()
    {
        var lines = await SucceedingLinesAsync("-j", "2", "seq", "-f", "{}%g", "10000", ":::", "a", "b");
        Assert.Equal(20000, lines.Length);
        var first = lines[0][0];
        Assert.All(lines.Take(10000), l => Assert.Equal(first, l[0]));
        Assert.All(lines.Skip(10000), l => Assert.NotEqual(first, l[0]));
        Assert.Equal("1", lines[0][1..]);
        Assert.Equal("10000", lines[9999][1..]);
    }

    [Fact]
    public async Task Output_larger_than_the_memory_bound_spills_and_comes_out_whole()
    {
        // 3 MB from each job; the memory bound is 1 MiB.
        var (code, output, _) = await RunFixture.RunAsync("-j", "2", "-k", "--shell", "head -c 3000000 /dev/zero | tr '\\0' {}; echo", ":::", "x", "y");
        Assert.Equal(0, code);
        Assert.Equal(new string('x', 3_000_000) + "\n" + new string('y', 3_000_000) + "\n", output);
    }

    [Fact]
    public async Task Stdout_and_stderr_are_kept_apart()
    {
        var (code, output, error) = await RunFixture.RunAsync("--shell", "echo out{}; echo err{} >&2", ":::", "1");
        Assert.Equal(0, code);
        Assert.Equal("out1\n", output);
        Assert.Equal("err1\n", error);
    }

    [Fact]
    public async Task Tag_prefixes_each_line_with_the_arguments()
    {
        Assert.Equal(["a b\tone", "a b\ttwo", "c\tone", "c\ttwo"],
            await SucceedingLinesAsync("-k", "--tag", "--shell", "echo one; echo two # {}", ":::", "a b", "c"));
    }

    [Fact]
    public async Task Line_buffer_passes_whole_lines()
    {
        var lines = await SucceedingLinesAsync("-j", "2", "--line-buffer", "--tag", "--shell", "seq 1000 # {}", ":::", "a", "b");
        Assert.Equal(2000, lines.Length);
        Assert.All(lines, l => Assert.Matches(@"^[ab]\t\d+$", l));
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => $"a\t{i}"), lines.Where(l => l[0] == 'a'));
    }

    [Fact]
    public async Task Without_shell_arguments_are_not_interpreted()
    {
        Assert.Equal(["$HOME", "a;b", "*"], await SucceedingLinesAsync("-k", "/bin/echo", "{}", ":::", "$HOME", "a;b", "*"));
    }

    [Fact]
    public async Task Commands_from_a_file_and_combinations_of_sources()
    {
        var cmds = _f.Write("cmds", "echo 'a  b'\n\necho c\n");
        var (code, output, _) = await RunFixture.RunAsync("-k", "-a", cmds);
        Assert.Equal(0, code);
        Assert.Equal(["a  b", "c"], Lines(output));

        var file = _f.Write("args", "x\ny\n");
        (code, output, _) = await RunFixture.RunAsync("-k", "echo", "{1}-{2}", ":::", "1", "2", "::::", file);
        Assert.Equal(0, code);
        Assert.Equal(["1-x", "1-y", "2-x", "2-y"], Lines(output));
    }

    [Fact]
    public async Task Exit_code_is_the_number_of_failed_jobs_capped_at_101()
    {
        var (code, _, _) = await RunFixture.RunAsync("--shell", "exit {}", ":::", "0", "1", "2", "0", "3");
        Assert.Equal(3, code);

        var many = Enumerable.Range(1, 120).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        (code, _, _) = await RunFixture.RunAsync(["-j", "4", "false", ":::", .. many]);
        Assert.Equal(101, code);
    }

    [Fact]
    public async Task A_missing_command_fails_its_job_with_a_message()
    {
        var (code, _, error) = await RunFixture.RunAsync("--joblog", _f.PathOf("log"), "no-such-command-yard", ":::", "a");
        Assert.Equal(1, code);
        Assert.Equal("yard run: no-such-command-yard: command not found\n", error);
        Assert.Equal("127", File.ReadAllLines(_f.PathOf("log"))[1].Split('\t')[6]); // a shell's code for it
    }

    [Fact]
    public async Task Timeout_kills_the_job_and_its_grandchildren()
    {
        var pids = _f.PathOf("pids");
        // The job starts a grandchild and waits for it; both ignore TERM, so only the KILL after the grace ends them.
        var (code, _, error) = await RunFixture.RunAsync("--shell", "--timeout", "1", "--kill-grace", "0.5", "--joblog", _f.PathOf("log"),
            $"trap '' TERM; sleep 600 & echo $! >> {pids}; wait", ":::", "a");
        Assert.Equal(1, code);
        Assert.Contains("timed out", error, StringComparison.Ordinal);
        var grandchild = int.Parse(File.ReadAllText(pids).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await Signal.Until(() => !RunFixture.IsAlive(grandchild), what: "the grandchild to die");
        var fields = File.ReadAllLines(_f.PathOf("log"))[1].Split('\t');
        Assert.Equal("9", fields[7]);
    }

    [Fact]
    public async Task Timeout_terms_a_job_that_stops_on_term()
    {
        var pids = _f.PathOf("pids");
        var (code, _, _) = await RunFixture.RunAsync("--shell", "--timeout", "0.5", "--joblog", _f.PathOf("log"),
            $"sleep 600 & echo $! >> {pids}; wait", ":::", "a");
        Assert.Equal(1, code);
        var grandchild = int.Parse(File.ReadAllText(pids).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await Signal.Until(() => !RunFixture.IsAlive(grandchild), what: "the grandchild to die");
        Assert.Equal("15", File.ReadAllLines(_f.PathOf("log"))[1].Split('\t')[7]);
    }

    [Fact]
    public async Task Retries_rerun_a_failing_job()
    {
        // Fails until its third attempt.
        var script = $"n=$(cat {_f.PathOf("count{}")} 2>/dev/null || echo 0); n=$((n+1)); echo $n > {_f.PathOf("count{}")}; echo attempt$n; [ $n -ge 3 ]";
        var (code, output, _) = await RunFixture.RunAsync("--shell", "--retries", "2", script, ":::", "a");
        Assert.Equal(0, code);
        Assert.Equal("attempt3\n", output); // only the last attempt's output is printed

        (code, _, _) = await RunFixture.RunAsync("--shell", "--retries", "1", script, ":::", "b");
        Assert.Equal(1, code);
        Assert.Equal("2", File.ReadAllText(_f.PathOf("countb")).Trim());
    }

    [Fact]
    public async Task Halt_soon_stops_starting_jobs_after_n_failures()
    {
        var (code, output, _) = await RunFixture.RunAsync("-j", "1", "--json", "--halt", "soon,fail=2", "--shell", "echo {}; [ {} != f ]",
            ":::", "ok", "f", "f", "later1", "later2");
        Assert.Equal(2, code);
        var lines = Lines(output);
        Assert.Equal(["ok", "f", "f"], lines[..^1]);
        using var summary = JsonDocument.Parse(lines[^1]);
        Assert.True(summary.RootElement.GetProperty("halted").GetBoolean());
        Assert.Equal(2, summary.RootElement.GetProperty("failed").GetInt64());
    }

    [Fact]
    public async Task Halt_now_kills_running_jobs()
    {
        var pids = _f.PathOf("pids");
        // Job "slow" blocks until killed; job "f" fails once "slow" is running (they meet at a named pipe).
        var meet = _f.Fifo("meet");
        var (code, _, _) = await RunFixture.RunAsync("-j", "2", "--halt", "now,fail=1", "--kill-grace", "0.5", "--shell",
            $"if [ {{}} = slow ]; then sleep 600 & echo $! > {pids}; echo go > {meet}; wait; else read x < {meet}; false; fi",
            ":::", "slow", "f", "never1", "never2");
        Assert.Equal(2, code); // f failed, slow was killed
        var sleeper = int.Parse(File.ReadAllText(pids).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await Signal.Until(() => !RunFixture.IsAlive(sleeper), what: "the running job to be killed");
    }

    [Fact]
    public async Task Joblog_has_gnu_parallel_columns_and_resume_failed_reruns_only_failures()
    {
        var log = _f.PathOf("log");
        var (code, _, _) = await RunFixture.RunAsync("-j", "2", "--joblog", log, "--shell", "echo {} >> " + _f.PathOf("ran") + "; [ {} != b ]", ":::", "a", "b", "c");
        Assert.Equal(1, code);
        var lines = File.ReadAllLines(log);
        Assert.Equal("Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand", lines[0]);
        Assert.Equal(3, lines.Length - 1);
        var b = lines.Skip(1).Select(l => l.Split('\t')).Single(f => f[0] == "2");
        Assert.Equal(":", b[1]);
        Assert.Equal("1", b[6]);
        Assert.Contains("echo b", b[8], StringComparison.Ordinal);

        File.Delete(_f.PathOf("ran"));
        (code, _, _) = await RunFixture.RunAsync("--joblog", log, "--resume-failed", "--shell", "echo {} >> " + _f.PathOf("ran") + "; true", ":::", "a", "b", "c");
        Assert.Equal(0, code);
        Assert.Equal(["b"], File.ReadAllLines(_f.PathOf("ran")));

        File.Delete(_f.PathOf("ran"));
        (code, _, _) = await RunFixture.RunAsync("--joblog", log, "--resume", "--shell", "echo {} >> " + _f.PathOf("ran"), ":::", "a", "b", "c", "d");
        Assert.Equal(0, code);
        Assert.Equal(["d"], File.ReadAllLines(_f.PathOf("ran")));
    }

    [Fact]
    public async Task Delay_spaces_job_starts()
    {
        var log = _f.PathOf("log");
        var (code, _, _) = await RunFixture.RunAsync("-j", "3", "--delay", "0.2", "--joblog", log, "true", ":::", "1", "2", "3");
        Assert.Equal(0, code);
        var starts = File.ReadAllLines(log).Skip(1)
            .Select(l => double.Parse(l.Split('\t')[2], System.Globalization.CultureInfo.InvariantCulture)).Order().ToArray();
        Assert.Equal(3, starts.Length);
        Assert.All(starts.Zip(starts.Skip(1)), p => Assert.True(p.Second - p.First >= 0.19, $"starts {p.First} and {p.Second}"));
    }

    [Fact]
    public async Task Progress_on_redirected_output_prints_plain_lines()
    {
        var (code, _, error) = await RunFixture.RunAsync("--progress", "true", ":::", "1", "2", "3");
        Assert.Equal(0, code);
        Assert.Contains("yard run: 3/3 done, 0 failed, 0 running", error, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_summary_counts_jobs()
    {
        var (code, output, _) = await RunFixture.RunAsync("--json", "--shell", "exit {}", ":::", "0", "1", "0");
        Assert.Equal(1, code);
        using var summary = JsonDocument.Parse(output.Trim());
        Assert.Equal(3, summary.RootElement.GetProperty("jobs").GetInt64());
        Assert.Equal(2, summary.RootElement.GetProperty("succeeded").GetInt64());
        Assert.Equal(1, summary.RootElement.GetProperty("exitCode").GetInt32());
    }

    [Theory]
    [InlineData("the command template is empty", "", ":::", "a")]
    [InlineData("unknown option '--bogus'", "--bogus", "echo", ":::", "a")]
    [InlineData("-j must be a whole number", "-j", "0", "echo", ":::", "a")]
    [InlineData("::: must be followed by at least one argument", "echo", ":::")]
    [InlineData("--resume and --resume-failed need --joblog", "--resume", "echo", ":::", "a")]
    [InlineData("--timeout must be a positive number", "--timeout", "0", "echo", ":::", "a")]
    [InlineData(":::: file 'no-such-file' does not exist", "echo", "::::", "no-such-file")]
    [InlineData("unterminated ' quote", "echo 'a", ":::", "x")]
    public async Task Bad_input_gets_a_clear_error_and_runs_nothing(string message, params string[] args)
    {
        var (code, output, error) = await RunFixture.RunAsync(args);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }
}
