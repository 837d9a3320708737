using System.Diagnostics;
using Switchyard.Jobs.Handlers.Shell;
using Switchyard.Testing;

namespace Switchyard.Jobs.Tests.Handlers;

public sealed class ShellHandlerTests
{
    private static readonly Job AnyJob = new()
    {
        Id = 1, Kind = "shell", Queue = "default", Payload = "{}", Priority = 0, State = JobState.Running, Attempt = 1,
        MaxAttempts = 1, RunAt = DateTimeOffset.UnixEpoch, CreatedAt = DateTimeOffset.UnixEpoch,
    };

    private static async Task<ShellResult> Run(ShellHandler handler, string json, CancellationToken ct = default)
    {
        var payload = ((IJobHandler)handler).ParsePayload(json);
        return (ShellResult)(await ((IJobHandler)handler).RunAsync(payload, new JobContext(AnyJob, null, "w", TimeProvider.System), ct))!;
    }

    private static ShellHandler Allow(params string[] executables) => new(new ShellHandlerOptions { AllowedExecutables = executables, MaxOutputBytes = 1000 });

    [Fact]
    public async Task Runs_argv_without_a_shell_so_metacharacters_stay_literal()
    {
        var result = await Run(Allow("echo"), """{"argv":["echo","$(id -u); ls | wc > /tmp/x","*"]}""");

        Assert.Equal((0, "$(id -u); ls | wc > /tmp/x *\n", ""), (result.ExitCode, result.Stdout, result.Stderr));
    }

    [Fact]
    public async Task Uses_the_working_directory_and_environment()
    {
        var dir = Directory.CreateTempSubdirectory("yard-shell-").FullName;
        try
        {
            var pwd = await Run(Allow("pwd"), $$"""{"argv":["pwd"],"workingDirectory":"{{dir}}"}""");
            Assert.Equal(dir + "\n", pwd.Stdout);
            var env = await Run(Allow("printenv"), """{"argv":["printenv","YARD_TEST_VALUE"],"environment":{"YARD_TEST_VALUE":"a b;c"}}""");
            Assert.Equal("a b;c\n", env.Stdout);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task Keeps_bounded_output_and_counts_the_rest()
    {
        var result = await Run(Allow("seq"), """{"argv":["seq","1","100000"]}""");

        Assert.Equal(1000, result.Stdout.Length);
        Assert.StartsWith("1\n2\n3\n", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(588895, result.StdoutBytes);
    }

    [Fact]
    public async Task A_non_zero_exit_fails_with_the_code_and_stderr()
    {
        var error = await Assert.ThrowsAsync<ShellCommandException>(() => Run(Allow("ls"), """{"argv":["ls","/no/such/path"]}"""));
        Assert.Equal(2, error.ExitCode);
        Assert.Contains("/no/such/path", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_timeout_kills_the_whole_process_tree()
    {
        // timeout(1) starts sleep as its child: both must die when the job times out. (299.5: no other test sleeps that long.)
        var started = Stopwatch.StartNew();
        await Assert.ThrowsAsync<TimeoutException>(() => Run(Allow("timeout"), $$"""{"argv":["timeout","300","sleep","299.5"],"timeoutSeconds":0.5}"""));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(60));
        await Signal.Until(() => !Process.GetProcessesByName("sleep").Any(p => CommandLine(p).Contains("sleep 299.5", StringComparison.Ordinal)),
            what: "the child sleep to be gone");
    }

    private static string CommandLine(Process p)
    {
        try { return File.ReadAllText($"/proc/{p.Id}/cmdline").Replace('\0', ' '); }
        catch (IOException) { return ""; }
        catch (UnauthorizedAccessException) { return ""; }
    }

    [Fact]
    public async Task Cancellation_kills_the_command()
    {
        using var cts = new CancellationTokenSource();
        var run = Run(Allow("sleep"), """{"argv":["sleep","298.5"]}""", cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.Within());
    }

    [Theory]
    [InlineData(new string[0], """{"argv":["true"]}""", "no executables are allow-listed")]
    [InlineData(new[] { "echo" }, """{"argv":["true"]}""", "'true' is not allow-listed")]
    [InlineData(new[] { "echo" }, """{"argv":["/tmp/echo"]}""", "'/tmp/echo' is not allow-listed")]
    [InlineData(new[] { "/usr/bin/env" }, """{"argv":["env"]}""", "'env' is not allow-listed")]
    [InlineData(new[] { "no-such-tool-xyz" }, """{"argv":["no-such-tool-xyz"]}""", "was not found in PATH")]
    public async Task Only_allow_listed_executables_run_and_refusals_are_permanent(string[] allowed, string json, string message)
    {
        var error = await Assert.ThrowsAsync<PermanentJobException>(() => Run(Allow(allowed), json));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_absolute_path_on_the_allow_list_allows_exactly_that_file()
    {
        var trueExe = File.Exists("/usr/bin/true") ? "/usr/bin/true" : "/bin/true";
        Assert.Equal(0, (await Run(Allow(trueExe), $$"""{"argv":["{{trueExe}}"]}""")).ExitCode);
    }

    [Theory]
    [InlineData("""{"argv":[]}""", "argv")]
    [InlineData("""{"argv":[""]}""", "argv")]
    [InlineData("""{"cmd":"ls"}""", "argv")]
    [InlineData("""{"argv":["ls"],"timeoutSeconds":0}""", "timeoutSeconds")]
    [InlineData("""{"argv":"ls -l"}""", "payload")]
    public void Bad_payloads_are_refused_naming_the_field(string json, string field)
    {
        var error = Assert.Throws<JobValidationException>(() => ((IJobHandler)Allow("ls")).ParsePayload(json));
        Assert.Equal(field, error.Field);
    }
}
