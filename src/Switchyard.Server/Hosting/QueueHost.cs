using Switchyard.Jobs;
using Switchyard.Jobs.Handlers.Shell;
using Switchyard.Jobs.Handlers.Http;
using Switchyard.Jobs.Postgres;
using Switchyard.Jobs.Store;

namespace Switchyard.Server.Hosting;

/// <summary>
/// Opens the store when the host starts (PostgreSQL opens asynchronously, so not in the container) and closes it
/// when the host has stopped; the endpoints and the hosted worker reach the store, client and handlers through it.
/// </summary>
internal sealed class QueueHost(ServerOptions options, JobHandlers handlers) : IHostedService, IAsyncDisposable
{
    private IJobStore? _store;
    private JobClient? _client;

    public IJobStore Store => _store ?? throw new InvalidOperationException("The store is not open: the host has not started.");

    public JobClient Client => _client ?? throw new InvalidOperationException("The store is not open: the host has not started.");

    public JobHandlers Handlers => handlers;

    /// <summary>Where the store lives, for the startup line (never a password).</summary>
    public string Description => JobStoreOpener.Describe(Store);

    /// <summary>The built-in handlers for <paramref name="options"/>: <c>http</c>, and <c>shell</c> only with an allow-list.</summary>
    public static JobHandlers BuiltInHandlers(ServerOptions options)
    {
        var result = new JobHandlers().Add(new HttpHandler());
        if (options.ShellAllow.Count > 0)
            result.Add(new ShellHandler(new ShellHandlerOptions { AllowedExecutables = options.ShellAllow }));
        return result;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _store = await JobStoreOpener.OpenAsync(options.Db, null, cancellationToken);
        _client = new JobClient(_store, new JobClientOptions { Handlers = handlers });
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_store is { } store)
        {
            _store = null;
            await store.DisposeAsync();
        }
    }
}
