using System.Diagnostics;
using Switchyard.Jobs.Sqlite;
using Switchyard.Testing;

namespace Switchyard.Jobs.Tests.Reliability;

/// <summary>SIGTERM to a real <c>yard worker</c>: it stops leasing, cuts the running job after its grace, releases it, exits 0.</summary>
public sealed class GracefulStopTests
{
    [Fact]
    public async Task Sigterm_releases_the_running_job_at_once_after_the_grace()
    {
        using var db = new TempDb();
        long id;
        await using (var store = SqliteJobStore.Open(new SqliteJobStoreOptions { Path = db.Path }))
            id = (await new JobClient(store).EnqueueAsync("shell", """{"argv":["sleep","300"]}""")).Job.Id;

        using var worker = YardProcess.Start("worker", "--db", db.Path, "--shell-allow", "sleep", "--grace", "1s", "--poll", "100ms");
        await using (var store = SqliteJobStore.Open(new SqliteJobStoreOptions { Path = db.Path }))
        {
            await Signal.Until(() => store.GetAsync(id).GetAwaiter().GetResult()!.State == JobState.Running, what: "the job to run");
            using (var kill = Process.Start("kill", ["-TERM", worker.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                await kill.WaitForExitAsync();

            Assert.Equal(0, await worker.ExitCodeAsync().Within());
            var job = (await store.GetAsync(id))!;
            Assert.Equal((JobState.Available, 0, (string?)null), (job.State, job.Attempt, job.LeaseOwner));
        }
    }
}
