using Switchyard.Jobs;

namespace Switchyard.Samples.ReportExport;

/// <summary>Runs the Switchyard.Jobs <see cref="Worker"/> for as long as the app runs; a stop lets running builds finish (up to the worker's grace).</summary>
internal sealed class WorkerService(Worker worker) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => worker.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => worker.StopAsync(cancellationToken);
}
