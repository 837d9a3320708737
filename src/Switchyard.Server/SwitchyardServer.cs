using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Switchyard.Server.Api;
using Switchyard.Server.Dashboard;
using Switchyard.Server.Hosting;
using Switchyard.Server.Metrics;
using Switchyard.Server.Security;

namespace Switchyard.Server;

/// <summary>Builds the server app: one place that both `yard serve` and the Switchyard.Server host call.</summary>
internal static class SwitchyardServer
{
    /// <summary>Builds the app for <paramref name="options"/>; the caller runs it. The store opens when the app starts.</summary>
    /// <exception cref="Jobs.JobValidationException">The options are refused (a non-loopback URL without a token, a bad URL).</exception>
    public static WebApplication Build(ServerOptions options, string[]? args = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        BindCheck.Check(options);
        var builder = WebApplication.CreateBuilder(args ?? []);
        builder.WebHost.UseUrls(options.Urls);
        // The body limit is enforced by the endpoints (RequestBody), as problem+json, under Kestrel and the test host alike.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);

        var services = builder.Services;
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => QueueHost.BuiltInHandlers(sp.GetRequiredService<ServerOptions>()));
        // Hosted services start in this order and stop in reverse: the store opens before the worker and closes after it.
        services.AddSingleton<QueueHost>();
        services.AddHostedService(sp => sp.GetRequiredService<QueueHost>());
        services.AddSingleton<HostedWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<HostedWorker>());
        services.AddSingleton<JobMetricsCollector>();
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
            // ASP.NET's default encoder is the relaxed one; jobs carry user text that the dashboard puts in a page.
            json.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Default;
        });
        services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Switchyard API";
            document.Info.Description = "The durable job queue over HTTP: submit, list, cancel, retry and purge jobs; stats; server-sent events.";
            return Task.CompletedTask;
        }));

        var app = builder.Build();
        // Listening from the start, so the counters hold every attempt the hosted worker ends.
        app.Services.GetRequiredService<JobMetricsCollector>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<TokenAuthentication>();

        app.MapGet("/healthz", () => Results.Text("ok")).WithTags("Health");
        app.MapOpenApi();
        app.MapJobs();
        app.MapStats();
        app.MapEvents();
        app.MapMetrics();
        app.MapDashboard();
        return app;
    }
}
