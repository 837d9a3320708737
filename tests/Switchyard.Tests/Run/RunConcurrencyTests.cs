using Switchyard.Testing;

namespace Switchyard.Tests.Run;

/// <summary>A burst of a thousand processes; run alone so it does not disturb tests that measure timing beside it.</summary>
[CollectionDefinition(nameof(ProcessBurst), DisableParallelization = true)]
public class ProcessBurst;

/// <summary><c>yard run -j N</c> really runs N jobs at once, N well past the cores.</summary>
[Collection(nameof(ProcessBurst))]
public sealed class RunConcurrencyTests : IDisposable
{
    private readonly RunFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task Five_hundred_jobs_run_at_once_with_j_500()
    {
        // Every job marks that it started, then blocks on a lock the test holds (FileShare.None is flock(2) on Linux):
        // all 500 markers can appear only if all 500 jobs run at once. None may be done while the lock is held,
        // which also shows the lock really blocks them. A real yard process, so its 500 threads stay out of this one.
        var started = Directory.CreateDirectory(_f.PathOf("started")).FullName;
        var done = Directory.CreateDirectory(_f.PathOf("done")).FullName;
        var lockPath = _f.Write("lock", "");
        var inputs = _f.Write("inputs", string.Join('\n', Enumerable.Range(1, 500)) + "\n");
        using var held = new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None); // also released if a wait fails
        using var yard = _f.Start("-j", "500", "-a", inputs, "--shell", $"touch {started}/{{}} && flock -s {lockPath} true && touch {done}/{{}}");
        yard.StandardInput.Close();
        var output = yard.StandardOutput.ReadToEndAsync();
        var error = yard.StandardError.ReadToEndAsync();
        await Signal.Until(() => Directory.EnumerateFiles(started).Count() == 500, TimeSpan.FromMinutes(2), "all 500 jobs to start");
        Assert.Empty(Directory.EnumerateFiles(done));
        held.Dispose();
        await yard.WaitForExitAsync().Within(TimeSpan.FromMinutes(2));
        Assert.Equal((0, "", ""), (yard.ExitCode, await output, await error));
        Assert.Equal(500, Directory.EnumerateFiles(done).Count());
    }
}
