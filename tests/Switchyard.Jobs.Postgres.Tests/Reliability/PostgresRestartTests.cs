using Switchyard.Jobs.Store;
using Switchyard.Jobs.Tests;
using Switchyard.Jobs.Tests.Reliability;
using Switchyard.Testing;

namespace Switchyard.Jobs.Postgres.Tests.Reliability;

/// <summary>The server restarts while two real workers drain the queue: they reconnect and finish, and no job is lost.</summary>
public sealed class PostgresRestartTests : IDisposable
{
    private const int Jobs = 3000;
    private readonly TempDb _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Workers_reconnect_after_a_server_restart_and_lose_no_acknowledged_job()
    {
        await using var server = await PgServer.StartAsync();
        var log = Directory.CreateDirectory(Path.Combine(_folder.Directory, "executions")).FullName;
        var store = await PostgresJobStore.OpenAsync(new PostgresJobStoreOptions { ConnectionString = server.ConnectionString, Schema = "restart" });
        await using (store)
        {
            var client = new JobClient(store);
            var acknowledged = new List<long>();
            for (var i = 0; i < Jobs; i += 500)
            {
                acknowledged.AddRange((await client.EnqueueManyAsync(Enumerable.Range(0, 500)
                    .Select(_ => new JobRequest(RecordExecutionHandler.KindName, $$"""{"log":"{{log}}","workMs":5}""")).ToList())).Select(r => r.Job.Id));
            }
            string[] args = ["worker", "--db", server.ConnectionString + ";Search Path=restart", "--handlers-assembly", YardProcess.HandlersAssembly,
                "--concurrency", "8", "--lease", "10s", "--poll", "200ms"];
            using var a = YardProcess.Start(args);
            using var b = YardProcess.Start(args);
            await Signal.Until(() => ExecutionLog.Count(log) >= Jobs / 4, TimeSpan.FromMinutes(3),
                $"a quarter of the jobs to start (stderr: {a.Stderr} {b.Stderr})");

            await server.RestartAsync();

            await Signal.Until(() => Drain.Succeeded(store) == Jobs, TimeSpan.FromMinutes(5),
                $"every job to succeed after the restart (stderr: {a.Stderr} {b.Stderr})");
            var executed = ExecutionLog.Read(log).Select(e => e.Job).ToHashSet();
            Assert.All(acknowledged, id => Assert.Contains(id, executed));
            Assert.Equal(Jobs, (await store.CountAsync()).Where(c => c.State == JobState.Succeeded).Sum(c => c.Count));
            Assert.Contains("postgres store: ", a.Stderr + b.Stderr, StringComparison.Ordinal); // they did see the server go
            a.KillHard();
            b.KillHard();
        }
    }
}
