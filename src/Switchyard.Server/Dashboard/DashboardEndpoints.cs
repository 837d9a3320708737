using Switchyard.WebAssets;

namespace Switchyard.Server.Dashboard;

/// <summary>Serves the dashboard's embedded files and the embedded chart library.</summary>
internal static class DashboardEndpoints
{
    public static void MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Embedded("index.html", "text/html; charset=utf-8"));
        app.MapGet("/lib/" + ChartLibrary.FileName, () => Results.Text(ChartLibrary.Script, "text/javascript; charset=utf-8"));
    }

    private static IResult Embedded(string name, string contentType)
    {
        var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream("dashboard/" + name);
        return stream is null ? Results.NotFound() : Results.Stream(stream, contentType);
    }
}
