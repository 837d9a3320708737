using Microsoft.AspNetCore.StaticFiles;
using Switchyard.WebAssets;

namespace Switchyard.Server.Dashboard;

/// <summary>
/// Serves the dashboard's embedded files (`Dashboard/wwwroot/**`, one route per file: anything else is a 404) and the
/// embedded chart library. Each response carries an ETag (a 304 when it matches), `Cache-Control: no-cache` (the names
/// are not fingerprinted, so browsers revalidate), `nosniff` and a Content-Security-Policy that allows only this origin's
/// scripts: no inline script, no eval, so job data that slipped into markup could not run.
/// </summary>
internal static class DashboardEndpoints
{
    private const string ResourcePrefix = "dashboard/";

    /// <summary>The policy on every dashboard file: scripts, styles, fetches and the event stream from this origin only.</summary>
    internal const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static void MapDashboard(this IEndpointRouteBuilder app)
    {
        foreach (var file in Load())
            app.MapGet(file.Route, (HttpContext http) => Serve(http, file)).ExcludeFromDescription();
    }

    /// <summary>Every embedded dashboard file, with the route it is served on (index.html also on `/`), plus the chart library.</summary>
    internal static IReadOnlyList<DashboardFile> Load()
    {
        var types = new FileExtensionContentTypeProvider();
        var assembly = typeof(DashboardEndpoints).Assembly;
        var files = new List<DashboardFile>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var path = name[ResourcePrefix.Length..];
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var file = DashboardFile.Create("/" + path, ContentType(types, path), buffer.ToArray());
            files.Add(file);
            if (path == "index.html")
                files.Add(file with { Route = "/" });
        }
        files.Add(DashboardFile.Create("/lib/" + ChartLibrary.FileName, ContentType(types, ChartLibrary.FileName),
            System.Text.Encoding.UTF8.GetBytes(ChartLibrary.Script)));
        return files;
    }

    private static IResult Serve(HttpContext http, DashboardFile file)
    {
        var headers = http.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers["Referrer-Policy"] = "no-referrer";
        // Results.Bytes answers If-None-Match with a 304 itself.
        return Results.Bytes(file.Content, file.ContentType, entityTag: file.ETag);
    }

    // Text types get an explicit charset: the files are UTF-8, and a browser must not guess.
    private static string ContentType(FileExtensionContentTypeProvider types, string path)
    {
        var type = types.TryGetContentType(path, out var found) ? found : "application/octet-stream";
        return type.StartsWith("text/", StringComparison.Ordinal) || type == "application/json" ? type + "; charset=utf-8" : type;
    }
}
