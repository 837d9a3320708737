using Switchyard.Jobs;

namespace Switchyard.Server.Hosting;

/// <summary>The server's own <see cref="Worker"/>, started after the store opens and stopped (gracefully) before it closes.</summary>
/// <remarks>The host may stop it twice at once (WebApplication.RunAsync and its owner): <see cref="Worker.StopAsync"/> is one stop for every caller.</remarks>
internal sealed class HostedWorker(QueueHost queue, ServerOptions options) : IHostedService, IAsyncDisposable
{
    private Worker? _worker;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Workers <= 0) return Task.CompletedTask;
        _worker = new Worker(queue.Store, queue.Handlers, new WorkerOptions
        {
            Concurrency = options.Workers, Queues = options.Queues, LeaseDuration = options.LeaseDuration, Log = options.Log,
        });
        return _worker.StartAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _worker?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    public ValueTask DisposeAsync() => _worker?.DisposeAsync() ?? ValueTask.CompletedTask;
}
