using Switchyard.Jobs;

namespace Switchyard.Server.Hosting;

/// <summary>The server's own <see cref="Worker"/>, started after the store opens and stopped (gracefully) before it closes.</summary>
internal sealed class HostedWorker(QueueHost queue, ServerOptions options) : IHostedService, IAsyncDisposable
{
    private Worker? _worker;

    /// <summary>The running worker, or null when <see cref="ServerOptions.Workers"/> is 0.</summary>
    public Worker? Worker => _worker;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Workers <= 0) return Task.CompletedTask;
        _worker = new Worker(queue.Store, queue.Handlers, new WorkerOptions { Concurrency = options.Workers, Queues = options.Queues });
        return _worker.StartAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _worker?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    public ValueTask DisposeAsync() => _worker?.DisposeAsync() ?? ValueTask.CompletedTask;
}
