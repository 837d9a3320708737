using Switchyard.Server.Dashboard;

namespace Switchyard.Server;

/// <summary>Builds the server app: one place that both `yard serve` and the Switchyard.Server host call.</summary>
internal static class SwitchyardServer
{
    /// <summary>Builds the app for <paramref name="options"/>; the caller runs it.</summary>
    public static WebApplication Build(ServerOptions options, string[]? args = null)
    {
        var builder = WebApplication.CreateBuilder(args ?? []);
        builder.WebHost.UseUrls(options.Urls);
        builder.Services.AddSingleton(options);
        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapDashboard();
        return app;
    }
}
