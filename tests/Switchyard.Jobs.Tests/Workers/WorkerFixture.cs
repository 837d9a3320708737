using Switchyard.Jobs.Sqlite;
using Switchyard.Testing;

namespace Switchyard.Jobs.Tests.Workers;

/// <summary>A real SQLite store in a temp folder, a virtual clock, and helpers to wait for job states.</summary>
public sealed class WorkerFixture : IAsyncDisposable
{
    private readonly TempDb _db = new();
    private readonly List<Worker> _workers = [];

    public WorkerFixture(bool virtualTime = true)
    {
        Clock = new ManualTimeProvider(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));
        Time = virtualTime ? Clock : TimeProvider.System;
        Store = SqliteJobStore.Open(new SqliteJobStoreOptions { Path = _db.Path, TimeProvider = Time });
        Client = new JobClient(Store, new JobClientOptions { TimeProvider = Time });
    }

    public ManualTimeProvider Clock { get; }
    public TimeProvider Time { get; }
    public SqliteJobStore Store { get; }
    public JobClient Client { get; }
    public string DbPath => _db.Path;

    public async Task<Worker> StartWorkerAsync(JobHandlers handlers, WorkerOptions? options = null)
    {
        options ??= new WorkerOptions();
        var worker = new Worker(Store, handlers, new WorkerOptions
        {
            Queues = options.Queues,
            Concurrency = options.Concurrency,
            QueueConcurrency = options.QueueConcurrency,
            BatchSize = options.BatchSize,
            LeaseDuration = options.LeaseDuration,
            HeartbeatInterval = options.HeartbeatInterval,
            RescueInterval = options.RescueInterval,
            PollInterval = options.PollInterval,
            ShutdownGrace = options.ShutdownGrace,
            Recurring = options.Recurring,
            Id = options.Id,
            TimeProvider = Time,
            Random = new Random(42),
        });
        _workers.Add(worker);
        await worker.StartAsync();
        return worker;
    }

    public Task<Job> WaitForAsync(long id, JobState state) => WaitForAsync(id, j => j.State == state, $"job {id} to be {state}");

    public async Task<Job> WaitForAsync(long id, Func<Job, bool> condition, string what)
    {
        Job? job = null;
        await Signal.Until(() => (job = Store.GetAsync(id).GetAwaiter().GetResult()) is { } j && condition(j), what: what);
        return job!;
    }

    public async ValueTask DisposeAsync()
    {
        // A test that failed with handlers still blocked would wait forever for a grace period on a clock that
        // never moves: move it on until each worker has stopped.
        foreach (var worker in _workers)
        {
            var stopping = worker.StopAsync();
            await Signal.Until(() => { if (Time == Clock) Clock.Advance(TimeSpan.FromSeconds(1)); return stopping.IsCompleted; }, what: "the worker to stop");
            await worker.DisposeAsync();
        }
        await Store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _db.Dispose();
    }
}
