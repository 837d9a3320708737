using System.Globalization;
using Switchyard.Jobs.Store;
using Switchyard.Jobs.Tests;
using Switchyard.Jobs.Tests.Reliability;
using Switchyard.Testing;
using Xunit.Abstractions;

namespace Switchyard.Jobs.Postgres.Tests.Reliability;

/// <summary>
/// Three real <c>yard worker</c> processes share one PostgreSQL queue; one of them is killed -9 again and again while they
/// drain it. No job is lost, every job succeeds, and a job runs twice only when a worker died while running it.
/// </summary>
public sealed class PostgresKillWorkerTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Jobs = 20_000;
    private const int Kills = 10;
    private readonly string _schema = TestPostgres.NewSchema();
    private readonly string _folder = Path.GetDirectoryName(TempDb.NewPath())!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        TempDb.DeleteFolderOf(Path.Combine(_folder, "jobs.db"));
        await TestPostgres.DropSchemaAsync(_schema);
    }

    [Fact]
    public async Task Three_workers_drain_20000_jobs_while_one_is_killed_again_and_again()
    {
        var log = Directory.CreateDirectory(Path.Combine(_folder, "executions")).FullName;
        await using var store = await TestPostgres.OpenAsync(_schema);
        var client = new JobClient(store);
        for (var i = 0; i < Jobs; i += 1000)
        {
            await client.EnqueueManyAsync(Enumerable.Range(0, 1000)
                .Select(_ => new JobRequest(RecordExecutionHandler.KindName, $$"""{"log":"{{log}}","workMs":5}""")).ToList());
        }

        string[] WorkerArgs() => ["worker", "--db", TestPostgres.ConnectionString + $";Search Path={_schema}",
            "--handlers-assembly", YardProcess.HandlersAssembly, "--concurrency", "16", "--lease", "5s", "--poll", "200ms"];
        var killed = new HashSet<int>();
        var random = new Random(6);
        using var steady1 = YardProcess.Start(WorkerArgs());
        using var steady2 = YardProcess.Start(WorkerArgs());
        for (var k = 0; k < Kills; k++)
        {
            using var victim = YardProcess.Start(WorkerArgs());
            var executionsBeforeKill = random.Next(20, 300);
            await Signal.Until(() => ExecutionLog.CountFor(log, victim.Id) >= executionsBeforeKill || Drain.Succeeded(store) == Jobs,
                TimeSpan.FromMinutes(3), $"victim {k} to start {executionsBeforeKill} jobs (stderr: {victim.Stderr})");
            victim.KillHard();
            killed.Add(victim.Id);
        }
        using var last = YardProcess.Start(WorkerArgs());
        await Signal.Until(() => Drain.Succeeded(store) == Jobs, TimeSpan.FromMinutes(8),
            $"every job to succeed (stderr: {steady1.Stderr} {steady2.Stderr} {last.Stderr})");

        var executions = ExecutionLog.Read(log);
        var byJob = executions.ToLookup(e => e.Job);
        var all = new List<Job>();
        for (long? cursor = null; ;)
        {
            var page = await store.QueryAsync(new JobQuery { Limit = 1000, Before = cursor });
            all.AddRange(page.Jobs);
            if ((cursor = page.NextCursor) is null) break;
        }
        Assert.Equal(Jobs, all.Count);
        foreach (var job in all)
        {
            Assert.Equal(JobState.Succeeded, job.State);
            var runs = byJob[job.Id].ToList();
            Assert.NotEmpty(runs);
            // Every execution but the last was in a worker that was then killed.
            Assert.All(runs.SkipLast(1), r => Assert.Contains(r.Pid, killed));
            Assert.Equal(runs[^1].Pid.ToString(CultureInfo.InvariantCulture), job.Result);
        }
        var repeated = executions.Count - Jobs;
        output.WriteLine($"{Jobs} jobs, {Kills} kills, {repeated} repeated executions (all of killed workers' jobs)");
        Assert.InRange(repeated, 0, Kills * 16 * 2); // at most what each killed worker held: 16 running, 16 completing
    }
}
