using System.Globalization;
using System.Text;
using Switchyard.Cli.Run;
using Switchyard.Testing;

namespace Switchyard.Tests.Run;

/// <summary>The posix_spawn spawner behind <c>yard run</c> and its synchronous reads and wait, with real child processes.</summary>
public sealed class SpawnerTests : IDisposable
{
    private readonly Spawner _spawner = new();

    public void Dispose() => _spawner.Dispose();

    private static string Text(SpillBuffer buffer)
    {
        using var writer = new StringWriter();
        using var sink = OutputSink.For(writer, isStandardError: false);
        buffer.WriteTo(sink, null);
        sink.Flush();
        return writer.ToString();
    }

    // The blocking reads and wait run on a thread of their own so that a hang fails the test instead of stopping it.
    private static Task<int> ReadAndWaitAsync(SpawnedProcess p, IOutputTarget stdout, IOutputTarget stderr) => Task.Run(() =>
    {
        p.ReadToEnd(stdout, stderr);
        return p.WaitForExit();
    });

    private sealed record Captured(int Pid, int Code, SpillBuffer Out, SpillBuffer Err) : IDisposable
    {
        public void Dispose()
        {
            Out.Dispose();
            Err.Dispose();
        }
    }

    private static async Task<Captured> CaptureAsync(Spawner spawner, int memoryLimit, params string[] argv)
    {
        using var p = spawner.Start(argv);
        SpillBuffer output = new(memoryLimit), error = new(memoryLimit);
        return new Captured(p.Pid, await ReadAndWaitAsync(p, output, error).Within(), output, error);
    }

    private async Task AssertRunsAsync(int code, string output, string error, params string[] argv)
    {
        using var run = await CaptureAsync(_spawner, 1 << 20, argv);
        Assert.Equal((code, output, error), (run.Code, Text(run.Out), Text(run.Err)));
    }

    private static string[] StatFields(string stat) => stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

    [Fact]
    public async Task The_child_leads_a_new_session_and_process_group()
    {
        // /proc/self/stat as the child sees it, read by the child itself: fields after "(comm)" are state, ppid, pgrp, session.
        using var run = await CaptureAsync(_spawner, 1 << 20, "cat", "/proc/self/stat");
        Assert.Equal(0, run.Code);

        var fields = StatFields(Text(run.Out));
        var pid = run.Pid.ToString(CultureInfo.InvariantCulture);
        Assert.Equal(pid, fields[2]); // pgrp
        Assert.Equal(pid, fields[3]); // session
        Assert.NotEqual(StatFields(File.ReadAllText("/proc/self/stat"))[3], fields[3]);
    }

    [Fact]
    public async Task Exit_codes_and_output_come_back_apart()
    {
        await AssertRunsAsync(7, "out\n", "err\n", "sh", "-c", "echo out; echo err >&2; exit 7");
    }

    [Fact]
    public async Task Output_past_the_memory_bound_spills_to_a_file_and_comes_back_whole()
    {
        using var run = await CaptureAsync(_spawner, 100_000, "sh", "-c", "head -c 1000000 /dev/zero | tr '\\0' x; echo err >&2");
        Assert.Equal(0, run.Code);
        Assert.True(run.Out.Spilled);
        Assert.False(run.Err.Spilled);
        Assert.Equal(new string('x', 1_000_000), Text(run.Out));
        Assert.Equal("err\n", Text(run.Err));
    }

    [Fact]
    public async Task A_signal_to_the_group_ends_the_child_and_its_grandchildren_with_128_plus_the_signal()
    {
        // The shell waits on a grandchild that holds the pipes too: both must die for the output to end.
        var pids = Path.GetTempFileName();
        try
        {
            using var p = _spawner.Start(["sh", "-c", $"sleep 600 & echo $! > {pids}; echo started; wait"]);
            var started = new Started();
            using var error = new SpillBuffer(1 << 20);
            var exit = ReadAndWaitAsync(p, started, error);
            await started.Seen.Task.Within();
            var grandchild = int.Parse(File.ReadAllText(pids).Trim(), CultureInfo.InvariantCulture);
            Assert.True(p.TrySignal(ProcessGroup.SigTerm));
            Assert.Equal(128 + ProcessGroup.SigTerm, await exit.Within());
            // It held the pipes, so they ended only as it exited; it turns into a zombie (and is reaped) a moment later.
            await Signal.Until(() => !RunFixture.IsAlive(grandchild), what: "the grandchild to die");
            Assert.False(p.TrySignal(ProcessGroup.SigKill)); // reaped: its pid is never signalled again
        }
        finally
        {
            File.Delete(pids);
        }
    }

    [Fact]
    public async Task Signals_are_back_to_their_defaults_so_a_broken_pipe_ends_the_writer_quietly()
    {
        // The runtime ignores SIGPIPE; were that inherited, yes would report "Broken pipe" on stderr.
        await AssertRunsAsync(0, "y\n", "", "sh", "-c", "yes | head -c 2");
    }

    [Fact]
    public async Task Stdin_is_empty_and_the_environment_and_working_directory_are_ours()
    {
        var name = "YARD_SPAWNER_TEST_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, "a value");
        try
        {
            using var spawner = new Spawner(); // the environment as it is when the spawner is made
            using var run = await CaptureAsync(spawner, 1 << 20, "sh", "-c", $"cat; echo \"${name}\"; /bin/pwd");
            Assert.Equal(0, run.Code);
            Assert.Equal($"a value\n{Environment.CurrentDirectory}\n", Text(run.Out));
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public void A_missing_command_is_a_clear_error()
    {
        var e = Assert.Throws<SpawnException>(() => _spawner.Start(["no-such-command-yard-spawner", "x"]));
        Assert.Equal("no-such-command-yard-spawner: command not found", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_executable_is_a_clear_error()
    {
        var file = Path.GetTempFileName();
        try
        {
            var e = Assert.Throws<SpawnException>(() => _spawner.Start([file]));
            Assert.Equal(13, e.Errno); // EACCES
            Assert.StartsWith(file + ": ", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    // Takes stdout and completes Seen once "started" came.
    private sealed class Started : IOutputTarget
    {
        private readonly byte[] _buffer = new byte[4096];
        private readonly StringBuilder _text = new();

        public TaskCompletionSource Seen { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Span<byte> FreeSpace() => _buffer;

        public void Commit(int count)
        {
            _text.Append(Encoding.UTF8.GetString(_buffer, 0, count));
            if (_text.ToString().Contains("started\n", StringComparison.Ordinal)) Seen.TrySetResult();
        }

        public void Complete() => Seen.TrySetResult();
    }
}
