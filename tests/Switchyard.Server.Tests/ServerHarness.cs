using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Jobs;
using Switchyard.Server.Hosting;

namespace Switchyard.Server.Tests;

/// <summary>
/// One in-process server (WebApplicationFactory) over its own SQLite file in its own temp folder. The options replace the
/// app's in its container; the handlers are the built-in ones for those options plus the test's own.
/// </summary>
internal sealed class ServerHarness : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;

    private ServerHarness(WebApplicationFactory<Program> factory, string folder, ServerOptions options)
    {
        _factory = factory;
        Folder = folder;
        Options = options;
        Client = factory.CreateClient();
        if (options.Token is { } token)
            Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public string Folder { get; }

    public ServerOptions Options { get; }

    /// <summary>A client that sends the token, when there is one.</summary>
    public HttpClient Client { get; }

    public IServiceProvider Services => _factory.Services;

    /// <summary>Starts a server; <paramref name="configure"/> gets the database path and returns the options.</summary>
    public static ServerHarness Start(Func<string, ServerOptions>? configure = null, Action<JobHandlers>? handlers = null)
    {
        var folder = Directory.CreateTempSubdirectory("switchyard-server-").FullName;
        var db = Path.Combine(folder, "jobs.db");
        var options = configure?.Invoke(db) ?? new ServerOptions { Db = db, Workers = 0 };
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web.ConfigureTestServices(services =>
        {
            services.AddSingleton(options);
            services.AddSingleton(_ =>
            {
                var all = QueueHost.BuiltInHandlers(options);
                handlers?.Invoke(all);
                return all;
            });
        }));
        return new ServerHarness(factory, folder, options);
    }

    public HttpClient CreateClient() => _factory.CreateClient();

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public Task<HttpResponseMessage> PostAsync(string path, string json) => Client.PostAsync(new Uri(path, UriKind.Relative), Json(json));

    public Task<HttpResponseMessage> GetAsync(string path) => Client.GetAsync(new Uri(path, UriKind.Relative));

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement> PostJsonAsync(string path, string json)
    {
        using var response = await PostAsync(path, json);
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Submits one job and returns its id.</summary>
    public async Task<long> SubmitAsync(string kind, string payload = "{}", string extra = "")
    {
        var job = await PostJsonAsync("/api/jobs", $$"""{"kind":"{{kind}}","payload":{{payload}}{{extra}}}""");
        return job.GetProperty("id").GetInt64();
    }

    public async Task<string> StateAsync(long id) => (await GetJsonAsync($"/api/jobs/{id}")).GetProperty("state").GetString()!;

    /// <summary>Waits, woken by the store's change signal and with a timeout, until job <paramref name="id"/> is in <paramref name="state"/>.</summary>
    public async Task<Job> WaitForStateAsync(long id, JobState state)
    {
        var store = Services.GetRequiredService<QueueHost>().Store;
        using var changed = new SemaphoreSlim(0);
        void OnChanged() => changed.Release();
        store.Changed += OnChanged;
        try
        {
            var deadline = DateTime.UtcNow + Signal.Patience;
            while (true)
            {
                var job = await store.GetAsync(id);
                if (job?.State == state) return job;
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !await changed.WaitAsync(left))
                    throw new TimeoutException($"Job {id} is {job?.State.ToString() ?? "missing"}, not {state}, after {Signal.Patience.TotalSeconds} s.");
            }
        }
        finally
        {
            store.Changed -= OnChanged;
        }
    }

    /// <summary>Polls <paramref name="condition"/> (through the API, for state with no signal to wait on) until it holds, with a timeout.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Signal.Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Gave up waiting for {what} after {Signal.Patience.TotalSeconds} s.");
            await Task.Yield();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Handlers the tests share.</summary>
internal static class TestHandlers
{
    /// <summary><c>echo</c>: succeeds with its payload as the result.</summary>
    public static JobHandlers AddEcho(this JobHandlers handlers) =>
        handlers.Add<JsonElement>("echo", (payload, _, _) => ValueTask.FromResult<object?>(payload));
}
