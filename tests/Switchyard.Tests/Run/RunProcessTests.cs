using System.Globalization;
using Switchyard.Testing;

namespace Switchyard.Tests.Run;

/// <summary><c>yard run</c> as a real process: stdin input, and a crash (kill -9) followed by --resume.</summary>
public sealed class RunProcessTests : IDisposable
{
    private readonly RunFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task Reads_commands_from_stdin()
    {
        var (code, output, _) = await _f.RunProcessAsync("echo one\necho 'two  words'\n", "-k");
        Assert.Equal(0, code);
        Assert.Equal("one\ntwo  words\n", output);
    }

    [Fact]
    public async Task Reads_template_arguments_from_stdin()
    {
        var (code, output, _) = await _f.RunProcessAsync("a.txt\nb.txt\n", "-k", "echo", "{.}");
        Assert.Equal(0, code);
        Assert.Equal("a\nb\n", output);
    }

    [Fact]
    public async Task Resume_after_kill_9_runs_only_the_jobs_not_logged()
    {
        var log = _f.PathOf("log");
        var ran = _f.PathOf("ran");
        var pid = _f.PathOf("pid");
        var allow = _f.PathOf("allow");
        // Job 10 blocks (until killed) unless `allow` exists; every job appends its number to `ran`.
        var script = $"echo {{}} >> {ran}; if [ {{}} = 10 ] && [ ! -e {allow} ]; then echo $$ > {pid}; exec sleep 600; fi";
        var args = new List<string> { "-j", "2", "--joblog", log, "--shell", script, ":::" };
        args.AddRange(Enumerable.Range(1, 20).Select(i => i.ToString(CultureInfo.InvariantCulture)));

        using (var first = _f.Start([.. args]))
        {
            first.StandardInput.Close();
            await Signal.Until(() => File.Exists(log) && File.ReadAllLines(log).Length == 20 && File.Exists(pid), what: "19 jobs logged");
            first.Kill(); // SIGKILL to yard alone: its running job 10 is orphaned, as after a crash
            await first.WaitForExitAsync().Within();
        }
        var orphan = int.Parse(File.ReadAllText(pid).Trim(), CultureInfo.InvariantCulture);
        System.Diagnostics.Process.GetProcessById(orphan).Kill();
        File.Delete(ran);
        File.WriteAllText(allow, "");

        var (code, _, _) = await _f.RunProcessAsync("", ["--resume", .. args]);
        Assert.Equal(0, code);
        Assert.Equal(["10"], File.ReadAllLines(ran));
        var seqs = File.ReadAllLines(log).Skip(1).Select(l => l.Split('\t')[0]).Order().ToArray();
        Assert.Equal(Enumerable.Range(1, 20).Select(i => i.ToString(CultureInfo.InvariantCulture)).Order(), seqs);
    }

    [Fact]
    public async Task Term_to_yard_kills_its_running_jobs_and_logs_them()
    {
        var pids = _f.PathOf("pids");
        var log = _f.PathOf("log");
        using var yard = _f.Start("-j", "2", "--joblog", log, "--shell", $"echo $$ >> {pids}; exec sleep 600 # {{}}", ":::", "a", "b");
        yard.StandardInput.Close();
        await Signal.Until(() => File.Exists(pids) && File.ReadAllLines(pids).Length == 2, what: "both jobs to start");
        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", yard.Id.ToString(CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync().Within();
        await yard.WaitForExitAsync().Within();

        Assert.Equal(2, yard.ExitCode); // two failed (killed) jobs
        foreach (var pid in File.ReadAllLines(pids).Select(l => int.Parse(l, CultureInfo.InvariantCulture)))
            await Signal.Until(() => !RunFixture.IsAlive(pid), what: $"job {pid} to die");
        var signals = File.ReadAllLines(log).Skip(1).Select(l => l.Split('\t')[7]).ToArray();
        Assert.Equal(["15", "15"], signals);
    }
}
