using Switchyard.Jobs;

namespace Switchyard.Server.Hosting;

/// <summary>The server's own <see cref="Worker"/>, started after the store opens and stopped (gracefully) before it closes.</summary>
internal sealed class HostedWorker(QueueHost queue, ServerOptions options) : IHostedService, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private Worker? _worker;
    private Task? _stopping;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Workers <= 0) return Task.CompletedTask;
        _worker = new Worker(queue.Store, queue.Handlers, new WorkerOptions
        {
            Concurrency = options.Workers, Queues = options.Queues, LeaseDuration = options.LeaseDuration,
        });
        return _worker.StartAsync(cancellationToken);
    }

    // The host may ask to stop twice at once (WebApplication.RunAsync and its owner both stop it): every caller, and the
    // disposal after, awaits the one stop, so the worker is never disposed while it is still stopping.
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
            return _stopping ??= _worker?.StopAsync(cancellationToken) ?? Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_worker is null) return;
        await StopAsync(CancellationToken.None);
        await _worker.DisposeAsync();
    }
}
