using System.Globalization;
using Switchyard.Jobs;
using Switchyard.Jobs.Sqlite;
using Switchyard.Testing;

namespace Switchyard.Tests.Run;

/// <summary><c>yard run --queue</c>: real processes through a real SQLite queue file.</summary>
public sealed class RunQueueTests : IDisposable
{
    private readonly RunFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static string[] Numbers(int n) => [.. Enumerable.Range(1, n).Select(i => i.ToString(CultureInfo.InvariantCulture))];

    private static async Task<IReadOnlyList<Switchyard.Jobs.Store.JobCount>> CountsAsync(string db)
    {
        await using var store = SqliteJobStore.Open(new SqliteJobStoreOptions { Path = db });
        return await store.CountAsync().Within();
    }

    [Fact]
    public async Task Runs_each_job_once_prints_its_output_and_a_rerun_adds_nothing()
    {
        var db = _f.PathOf("q.db");
        string[] args = ["--queue", "--db", db, "-j", "2", "echo", "out-{}", ":::", .. Numbers(20)];

        var (code, output, error) = await RunFixture.RunAsync(args);

        Assert.True(code == 0, error);
        Assert.Equal(Numbers(20).Select(n => $"out-{n}").Order(), output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
        var counts = await CountsAsync(db);
        Assert.Equal(20, counts.Single().Count);
        Assert.Equal(JobState.Succeeded, counts.Single().State);

        // The same run again finds its jobs finished: nothing enqueued, nothing printed again.
        var again = await RunFixture.RunAsync(args);
        Assert.Equal((0, ""), (again.Code, again.Out));
        Assert.Equal(20, (await CountsAsync(db)).Sum(c => c.Count));
    }

    [Fact]
    public async Task Output_beyond_the_queue_bound_is_cut_and_said_so()
    {
        var (code, output, error) = await RunFixture.RunAsync("--queue", "--db", _f.PathOf("q.db"), "--shell", "head -c 100000 /dev/zero | tr '\\0' x # {}", ":::", "a");

        Assert.True(code == 0, error);
        Assert.Equal(64 * 1024, output.Length);
        Assert.Contains("job 1 wrote 100000 bytes to stdout", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keep_order_and_tag_print_in_input_order()
    {
        var (code, output, error) = await RunFixture.RunAsync("--queue", "--db", _f.PathOf("q.db"), "-j", "3", "-k", "--tag", "echo", "x{}", ":::", "a", "b", "c", "d");

        Assert.True(code == 0, error);
        Assert.Equal("a\txa\nb\txb\nc\txc\nd\txd\n", output);
    }

    [Fact]
    public async Task A_failing_job_is_dead_in_the_queue_and_counts_in_the_exit_code()
    {
        var db = _f.PathOf("q.db");
        var (code, _, error) = await RunFixture.RunAsync("--queue", "--db", db, "--retries", "1", "--shell", "echo tried-{} >&2; [ {} != bad ]", ":::", "ok", "bad");

        Assert.Equal(1, code);
        Assert.Contains("job 2 failed after 2 attempt(s)", error, StringComparison.Ordinal);
        var counts = await CountsAsync(db);
        Assert.Equal(1, counts.Single(c => c.State == JobState.Dead).Count);
        Assert.Equal(1, counts.Single(c => c.State == JobState.Succeeded).Count);
    }

    [Fact]
    public async Task A_killed_run_carries_on_when_run_again_without_enqueueing_twice()
    {
        var db = _f.PathOf("q.db");
        var started = Directory.CreateDirectory(_f.PathOf("started")).FullName;
        var done = Directory.CreateDirectory(_f.PathOf("done")).FullName;
        var lockPath = _f.Write("lock", "");
        // Every job marks that it started, then blocks on a lock the test holds (FileShare.None is flock(2) on Linux),
        // so the first run is surely mid-run when it is killed.
        string[] args = ["--queue", "--db", db, "-j", "2", "--shell",
            $"touch {started}/{{}}; flock -s {lockPath} true; touch {done}/{{}}", ":::", .. Numbers(20)];

        using (var held = new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        using (var first = _f.Start(args))
        {
            first.StandardInput.Close();
            await Signal.Until(() => Directory.GetFiles(started).Length == 2, what: "two jobs to start");
            first.Kill(); // SIGKILL: no cleanup; its two running jobs keep their leases until they lapse
            await first.WaitForExitAsync().Within();
            Assert.Empty(Directory.GetFiles(done));
        }

        var (code, _, error) = await _f.RunProcessAsync("", args);

        Assert.True(code == 0, error);
        Assert.Equal(Numbers(20).Order(), Directory.GetFiles(done).Select(Path.GetFileName).Order());
        var counts = await CountsAsync(db);
        Assert.Equal(20, counts.Sum(c => c.Count));
        Assert.Equal(20, counts.Where(c => c.State == JobState.Succeeded).Sum(c => c.Count));
    }

    [Fact]
    public async Task Term_kills_the_running_jobs_and_leaves_them_queued_for_the_next_run()
    {
        var db = _f.PathOf("q.db");
        var pids = _f.PathOf("pids");
        using var yard = _f.Start("--queue", "--db", db, "-j", "2", "--shell", $"echo $$ >> {pids}; exec sleep 600 # {{}}", ":::", "a", "b", "c");
        yard.StandardInput.Close();
        await Signal.Until(() => File.Exists(pids) && File.ReadAllLines(pids).Length == 2, what: "two jobs to start");
        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", yard.Id.ToString(CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync().Within();
        await yard.WaitForExitAsync().Within();

        Assert.Equal(1, yard.ExitCode); // not done, though nothing failed
        foreach (var pid in File.ReadAllLines(pids).Select(l => int.Parse(l, CultureInfo.InvariantCulture)))
            await Signal.Until(() => !RunFixture.IsAlive(pid), what: $"job {pid} to die");
        var counts = await CountsAsync(db);
        Assert.Equal(3, counts.Where(c => c.State == JobState.Available).Sum(c => c.Count));
    }

    [Theory]
    [InlineData("--joblog", "log.txt")]
    [InlineData("--halt", "now,fail=1")]
    [InlineData("--line-buffer", null)]
    public async Task An_option_the_queue_cannot_honour_is_refused_before_anything_is_enqueued(string option, string? value)
    {
        var db = _f.PathOf("q.db");
        string[] extra = value is null ? [option] : [option, value];

        var (code, output, error) = await RunFixture.RunAsync(["--queue", "--db", db, .. extra, "echo", ":::", "a"]);

        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains($"{option} cannot be used with --queue", error, StringComparison.Ordinal);
        Assert.False(File.Exists(db));
    }

    [Fact]
    public async Task Db_without_queue_is_refused()
    {
        var (code, _, error) = await RunFixture.RunAsync("--db", _f.PathOf("q.db"), "echo", ":::", "a");

        Assert.Equal(1, code);
        Assert.Contains("--db needs --queue", error, StringComparison.Ordinal);
    }
}
