using System.Diagnostics;
using System.Text.Json;
using Switchyard.Testing;

namespace Switchyard.Tests.Profiling;

/// <summary>
/// Profiles real commands through a real <c>yard profile</c> process: the kernel's account of children is
/// per process, so a separate process keeps other tests' children out of the figures.
/// </summary>
public class ProfilerTests
{
    private const string Spin = "i=0; while [ $i -lt 1000000 ]; do i=$((i+1)); done"; // about 1 s of one core

    private static async Task<JsonElement> ProfileAsync(params string[] command)
    {
        var yard = Path.Combine(AppContext.BaseDirectory, "yard.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { yard, "profile", "--json", "--" }.Concat(command)) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().Within(TimeSpan.FromMinutes(2));
        Assert.True(process.ExitCode == 0, await stderr);
        return JsonDocument.Parse(await stdout).RootElement;
    }

    [Fact]
    public async Task A_sleeping_command_is_io_bound_and_goes_to_the_io_lane()
    {
        var profile = await ProfileAsync("sleep", "0.3");
        Assert.True(profile.GetProperty("class").GetString() == "io_bound", profile.ToString());
        Assert.Equal("io", profile.GetProperty("recommendation").GetProperty("lane").GetString());
        Assert.True(profile.GetProperty("recommendation").GetProperty("concurrency").GetInt32() > Environment.ProcessorCount);
        Assert.InRange(profile.GetProperty("wall_seconds").GetDouble(), 0.3, 30);
        Assert.NotEmpty(profile.GetProperty("recommendation").GetProperty("reasoning").EnumerateArray());
    }

    [Fact]
    public async Task A_spinning_command_is_cpu_bound_and_goes_to_the_cpu_lane()
    {
        var profile = await ProfileAsync("sh", "-c", Spin);
        Assert.True(profile.GetProperty("class").GetString() == "cpu_bound", profile.ToString());
        Assert.Equal("cpu", profile.GetProperty("recommendation").GetProperty("lane").GetString());
        Assert.True(profile.GetProperty("user_cpu_seconds").GetDouble() > 0.05);
    }

    [Fact]
    public async Task A_command_that_computes_then_waits_is_mixed()
    {
        // Wait about as long as it computes: utilisation near 0.5.
        var spun = await ProfileAsync("sh", "-c", Spin);
        var cpu = spun.GetProperty("user_cpu_seconds").GetDouble() + spun.GetProperty("system_cpu_seconds").GetDouble();
        var profile = await ProfileAsync("sh", "-c", $"{Spin}; sleep {cpu:0.###}");
        Assert.True(profile.GetProperty("class").GetString() == "mixed", profile.ToString());
    }

    [Fact]
    public async Task Children_are_counted_and_io_bytes_are_seen()
    {
        // The work happens in a grandchild (sh -> dd); 4 MiB read from /dev/zero and written to /dev/null.
        var profile = await ProfileAsync("sh", "-c", "dd if=/dev/zero of=/dev/null bs=1M count=4 2>/dev/null; sleep 0.2");
        Assert.True(profile.GetProperty("bytes_read").GetInt64() >= 0);
        Assert.True(profile.GetProperty("voluntary_switches").GetInt64() >= 1);
    }

    [Fact]
    public void Recommendation_follows_cores_times_one_plus_wait_over_compute()
    {
        var io = Profiler.Recommend(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(1010), cores: 2, maxConcurrency: 1024);
        Assert.Equal((LaneKind.Io, 202), (io.Lane, io.Concurrency)); // 2 × (1 + 1000/10)
        var capped = Profiler.Recommend(TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(10), cores: 2, maxConcurrency: 64);
        Assert.Equal(64, capped.Concurrency);
        var cpu = Profiler.Recommend(TimeSpan.FromMilliseconds(95), TimeSpan.FromMilliseconds(100), cores: 4, maxConcurrency: 1024);
        Assert.Equal((LaneKind.Cpu, 4), (cpu.Lane, cpu.Concurrency));
        var mixed = Profiler.Recommend(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100), cores: 2, maxConcurrency: 1024);
        Assert.Equal((LaneKind.Cpu, 4), (mixed.Lane, mixed.Concurrency)); // 2 × (1 + 50/50)
        Assert.Equal(WorkClass.Mixed, Profiler.Classify(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public async Task A_delegate_is_profiled_too()
    {
        var waiting = await Profiler.ProfileAsync(async ct => await Task.Delay(200, ct), new ProfileOptions { Runs = 3 });
        Assert.Equal(3, waiting.Runs);
        Assert.True(waiting.Wall >= TimeSpan.FromMilliseconds(190), $"wall {waiting.Wall}"); // timers may fire a hair early
    }

    [Fact]
    public async Task Bad_input_gets_a_clear_error()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Profiler.ProfileCommandAsync([]));
        var runs = await Assert.ThrowsAsync<ArgumentException>(() => Profiler.ProfileCommandAsync(["true"], new ProfileOptions { Runs = 0 }));
        Assert.Contains("ProfileOptions.Runs", runs.Message);
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(1, await Switchyard.Cli.YardCli.RunAsync(["profile", "--runs", "0", "--", "true"], output, error));
        Assert.Contains("--runs must be at least 1", error.ToString());
        Assert.Equal(1, await Switchyard.Cli.YardCli.RunAsync(["profile", "--", "/no/such/program"], output, error));
        Assert.Contains("cannot run '/no/such/program'", error.ToString());
    }
}
