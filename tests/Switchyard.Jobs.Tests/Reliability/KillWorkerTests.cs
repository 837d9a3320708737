using Switchyard.Jobs.Sqlite;
using Switchyard.Jobs.Store;
using Switchyard.Testing;

namespace Switchyard.Jobs.Tests.Reliability;

/// <summary>kill -9 real worker processes while they drain jobs: nothing is lost, and only killed work runs twice.</summary>
public sealed class KillWorkerTests
{
    // Enough that 20 short-lived workers cannot finish them, however slowly the test notices each one.
    private const int Jobs = 2000;
    private const int Kills = 20;

    [Fact]
    public async Task Twenty_hard_kills_mid_job_lose_nothing_and_repeat_only_the_killed_workers_jobs()
    {
        using var db = new TempDb();
        var log = Directory.CreateDirectory(Path.Combine(db.Directory, "executions")).FullName;
        await using (var store = SqliteJobStore.Open(new SqliteJobStoreOptions { Path = db.Path }))
        {
            var client = new JobClient(store);
            for (var i = 0; i < Jobs; i += 500)
            {
                await client.EnqueueManyAsync(Enumerable.Range(0, 500)
                    .Select(_ => new JobRequest(RecordExecutionHandler.KindName, $$"""{"log":"{{log}}","workMs":40}""")).ToList());
            }
        }

        string[] WorkerArgs(int concurrency) => ["worker", "--db", db.Path, "--handlers-assembly", YardProcess.HandlersAssembly,
            "--concurrency", concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture), "--lease", "5s", "--poll", "100ms"];
        var killed = new HashSet<int>();
        var random = new Random(3);
        for (var k = 0; k < Kills; k++)
        {
            using var worker = YardProcess.Start(WorkerArgs(4));
            var executionsBeforeKill = random.Next(1, 6);
            // Kill while it runs a job: right after it recorded its n-th execution (each job works 40 ms after recording).
            var mine = Path.Combine(log, worker.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await Signal.Until(() => Directory.Exists(mine) && Directory.EnumerateFiles(mine).Count() >= executionsBeforeKill,
                TimeSpan.FromMinutes(2), $"worker {k} to start {executionsBeforeKill} jobs (stderr: {worker.Stderr})");
            worker.KillHard();
            killed.Add(worker.Id);
        }

        using (var finisher = YardProcess.Start(WorkerArgs(64)))
        {
            await using var store = SqliteJobStore.Open(new SqliteJobStoreOptions { Path = db.Path });
            await Signal.Until(() => Count(store, JobState.Succeeded) == Jobs, TimeSpan.FromMinutes(3),
                $"every job to succeed (stderr: {finisher.Stderr})");

            var executions = ExecutionLog.Read(log);
            var jobs = new List<Job>();
            for (long? cursor = null; ;)
            {
                var page = await store.QueryAsync(new JobQuery { Limit = 1000, Before = cursor });
                jobs.AddRange(page.Jobs);
                if ((cursor = page.NextCursor) is null) break;
            }
            Assert.Equal(Jobs, jobs.Count);
            Assert.All(jobs, j => Assert.Equal(JobState.Succeeded, j.State));
            var byJob = executions.ToLookup(e => e.Job);
            foreach (var job in jobs)
            {
                var runs = byJob[job.Id].ToList();
                Assert.NotEmpty(runs);
                // Every execution but the last was in a worker that was then killed.
                Assert.All(runs.SkipLast(1), r => Assert.Contains(r.Pid, killed));
                Assert.Equal(runs[^1].Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), job.Result);
                Assert.True(job.Attempt >= runs.Count, $"job {job.Id}: {job.Attempt} attempts, {runs.Count} executions");
            }
            var repeated = executions.Count - Jobs;
            Assert.InRange(repeated, 0, Kills * 4 * 2); // at most the jobs each killed worker held (4 running, 4 completing)
        }
    }

    private static long Count(SqliteJobStore store, JobState state) =>
        store.CountAsync().GetAwaiter().GetResult().Where(c => c.State == state).Sum(c => c.Count);
}
