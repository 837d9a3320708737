namespace Switchyard.Samples.VectorSearch;

/// <summary>The index's shape and data.</summary>
internal sealed record IndexSettings(int Vectors = 100_000, int Dimensions = 128, int Seed = 42);

/// <summary>
/// The service: builds the index at start, then answers <c>POST /search</c> (top k by cosine similarity, searched on the
/// Cpu lane) and <c>GET /info</c>. Kestrel's threads only parse and wait; the scanning happens on the Cpu lane.
/// </summary>
internal static class VectorSearchApp
{
    public static WebApplication Build(IndexSettings index, string urls)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(urls);
        builder.Logging.ClearProviders();   // the demo prints its own lines
        // Registered through a factory, so the container owns the lane and disposes it when the app stops.
        builder.Services.AddSingleton(_ => Lane.Cpu(new CpuLaneOptions { Name = "search-cpu" }));
        builder.Services.AddSingleton(services => VectorIndex.Create(index.Seed, index.Vectors, index.Dimensions, services.GetRequiredService<Lane>()));

        var app = builder.Build();
        app.MapGet("/info", (VectorIndex vectors) => Results.Ok(new { vectors = vectors.Count, dimensions = vectors.Dimensions }));
        app.MapPost("/search", async (SearchRequest request, VectorIndex vectors, CancellationToken cancellationToken) =>
        {
            if (request.Problem(vectors.Dimensions) is var (field, message))
                return Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
            return Results.Ok(new SearchResponse(await vectors.SearchAsync(request.Vector!, request.K, cancellationToken)));
        });
        return app;
    }

    /// <summary>Starts the app and builds the index before the first request; returns the address it listens on.</summary>
    public static async Task<Uri> StartAsync(WebApplication app)
    {
        app.Services.GetRequiredService<VectorIndex>();
        await app.StartAsync();
        return new Uri(app.Urls.First());
    }
}
