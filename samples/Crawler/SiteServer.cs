using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Switchyard.Samples.Crawler;

/// <summary>
/// The generated site on a real Kestrel server at <c>http://127.0.0.1:&lt;free port&gt;</c>. Slow pages hang on their
/// first request until the client gives up; flaky pages answer 503 to their first requests. Dispose to stop it.
/// </summary>
public sealed class SiteServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SiteOptions _options;
    private readonly ConcurrentDictionary<int, int> _requests = new();
    private long _served;
    private long _refused;
    private long _hung;

    private SiteServer(WebApplication app, SiteOptions options, Uri baseAddress)
    {
        _app = app;
        _options = options;
        BaseAddress = baseAddress;
    }

    /// <summary>Where the site is, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The first page: every other page is reachable from it.</summary>
    public Uri StartPage => new(BaseAddress, "/page/0");

    /// <summary>How many pages the site has.</summary>
    public int Pages => _options.Pages;

    /// <summary>Pages answered 200.</summary>
    public long Served => Interlocked.Read(ref _served);

    /// <summary>Requests answered 503 on purpose.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Requests held until the client gave up, on purpose.</summary>
    public long Hung => Interlocked.Read(ref _hung);

    /// <summary>Starts the site on 127.0.0.1 on a free port.</summary>
    public static async Task<SiteServer> StartAsync(SiteOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        SiteServer? site = null;
        app.MapGet("/page/{id:int}", (int id, HttpContext http) => site!.PageAsync(id, http));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        site = new SiteServer(app, options, new Uri(address.TrimEnd('/') + "/"));
        return site;
    }

    private async Task<IResult> PageAsync(int id, HttpContext http)
    {
        if (id < 0 || id >= _options.Pages) return Results.NotFound();
        var attempt = _requests.AddOrUpdate(id, 1, static (_, n) => n + 1);
        if (_options.IsFlaky(id) && attempt <= _options.FailAttempts)
        {
            Interlocked.Increment(ref _refused);
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }
        if (_options.IsSlow(id) && attempt == 1)
        {
            Interlocked.Increment(ref _hung);
            try
            {
                // Held until the client hangs up (its timeout); the minute is only a backstop.
                await Task.Delay(TimeSpan.FromMinutes(1), http.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return Results.Empty;
            }
        }
        Interlocked.Increment(ref _served);
        return Results.Content(GeneratedSite.Html(id, _options.Pages), "text/html; charset=utf-8");
    }

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
