using Switchyard.Jobs.Sqlite;
using Switchyard.Testing;

namespace Switchyard.Jobs.Tests.Reliability;

/// <summary>kill -9 a process in the middle of 10,000 enqueues: every acknowledged enqueue is there after restart.</summary>
public sealed class KillEnqueueTests
{
    [Fact]
    public async Task Every_acknowledged_enqueue_survives_a_hard_kill()
    {
        using var db = new TempDb();
        using var submitter = YardProcess.Start("submit", "shell", "--stdin", "--db", db.Path, "--queue", "crash");
        // At most 1,000 lines in flight: the stream is still going when the kill comes, however fast the process is.
        using var window = new SemaphoreSlim(1000);
        using var stopFeeding = new CancellationTokenSource();
        var feeding = Task.Run(async () =>
        {
            try
            {
                for (var i = 0; i < 10_000; i++)
                {
                    await window.WaitAsync(stopFeeding.Token);
                    await submitter.Input.WriteLineAsync($$"""{"argv":["true","{{i}}"]}""");
                    if (i % 100 == 99) await submitter.Input.FlushAsync();
                }
                await submitter.Input.FlushAsync();
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                // The process was killed while we wrote: expected.
            }
        });

        var acknowledged = new List<long>();
        const int killAfter = 2500;
        await foreach (var line in submitter.Lines.ReadAllAsync())
        {
            acknowledged.Add(long.Parse(line, System.Globalization.CultureInfo.InvariantCulture));
            window.Release();
            if (acknowledged.Count == killAfter)
            {
                submitter.KillHard();
                await stopFeeding.CancelAsync();
            }
        }
        await feeding.Within();
        Assert.True(acknowledged.Count >= killAfter, $"only {acknowledged.Count} acknowledged; stderr: {submitter.Stderr}");
        Assert.True(acknowledged.Count < 10_000, "the kill came after every enqueue; the test proved nothing");

        // "Restart": a fresh process-level open of the file, recovering from the WAL.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await using var store = SqliteJobStore.Open(new SqliteJobStoreOptions { Path = db.Path });
        var missing = new List<long>();
        foreach (var id in acknowledged)
        {
            var job = await store.GetAsync(id);
            if (job is null || job.Kind != "shell" || job.Queue != "crash") missing.Add(id);
        }
        Assert.Empty(missing);
    }
}
