using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Server.Hosting;

namespace Switchyard.Server.BrowserTests;

/// <summary>
/// The real server on a free 127.0.0.1 port (Kestrel, not the in-memory test server, so a browser can reach it), with its
/// own SQLite file, a bearer token, the hosted worker and the test handlers; plus an API client that carries the token.
/// </summary>
internal sealed class DashboardServer : IAsyncDisposable
{
    public const string Token = "browser-test-token";

    private readonly WebApplicationFactory<Program> _factory;
    private readonly string _directory;

    private DashboardServer(WebApplicationFactory<Program> factory, string directory, Uri baseAddress)
    {
        _factory = factory;
        _directory = directory;
        BaseAddress = baseAddress;
        Api = new HttpClient { BaseAddress = baseAddress };
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    public Uri BaseAddress { get; }

    /// <summary>An HTTP client for the API, with the token.</summary>
    public HttpClient Api { get; }

    public static DashboardServer Start()
    {
        var directory = Directory.CreateTempSubdirectory("switchyard-browser-").FullName;
        var options = new ServerOptions { Db = Path.Combine(directory, "jobs.db"), Token = Token };
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web.ConfigureTestServices(services =>
        {
            // Registered after the server's own, so these are the ones it resolves: the options, and the handlers (the
            // built-in ones for those options plus the test kinds), as the server's own tests do.
            services.AddSingleton(options);
            services.AddSingleton(QueueHost.BuiltInHandlers(options).Add(new EchoHandler()).Add(new HoldHandler()).Add(new FailHandler()));
        }));
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new DashboardServer(factory, directory, new Uri(address));
    }

    /// <summary>Enqueues jobs through the API (one array request) and returns their ids in order.</summary>
    public async Task<long[]> SubmitAsync(params object[] jobs)
    {
        using var response = await Api.PostAsJsonAsync(new Uri("/api/jobs", UriKind.Relative), jobs);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /api/jobs answered {(int)response.StatusCode}: {text}");
        using var body = JsonDocument.Parse(text);
        return body.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt64()).ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await _factory.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open leaves a temp folder behind; that must not fail the run.
        }
    }
}
