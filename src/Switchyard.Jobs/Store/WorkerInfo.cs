namespace Switchyard.Jobs.Store;

/// <summary>A worker as it last reported itself to the store (see <see cref="IJobStore.HeartbeatWorkerAsync"/>).</summary>
/// <param name="Id">The worker's id, the owner name it leases under.</param>
/// <param name="Host">The machine it runs on.</param>
/// <param name="ProcessId">Its process id on that machine.</param>
/// <param name="Queues">The queues it leases from; empty means every queue.</param>
/// <param name="Concurrency">The most jobs it runs at once.</param>
/// <param name="Running">How many jobs it was running at its last heartbeat.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="LastSeenAt">Its last heartbeat.</param>
public sealed record WorkerInfo(string Id, string Host, int ProcessId, IReadOnlyList<string> Queues, int Concurrency, int Running,
    DateTimeOffset StartedAt, DateTimeOffset LastSeenAt);
