using System.CommandLine;
using System.Globalization;
using Switchyard;
using Switchyard.Samples.VectorSearch;

// Sample 6 of samples/README.md: a vector-search service on the Cpu lane, and a client that queries it serially,
// then concurrently through the Io lane. With no command it runs both (the service on a free loopback port).
var defaults = new IndexSettings();
var vectors = new Option<int>("--vectors") { Description = "Stored vectors.", DefaultValueFactory = _ => defaults.Vectors, Recursive = true };
var dimensions = new Option<int>("--dimensions") { Description = "Numbers per vector.", DefaultValueFactory = _ => defaults.Dimensions, Recursive = true };
var seed = new Option<int>("--seed") { Description = "Seed of the stored vectors (the queries use seed + 1).", DefaultValueFactory = _ => defaults.Seed, Recursive = true };
var queries = new Option<int>("--queries") { Description = "Queries the client sends, each way.", DefaultValueFactory = _ => 1000, Recursive = true };
var concurrency = new Option<int>("--concurrency") { Description = "Queries in flight in the concurrent run.", DefaultValueFactory = _ => 16, Recursive = true };
var k = new Option<int>("--k") { Description = $"Hits per query (1 to {SearchRequest.MaxK}).", DefaultValueFactory = _ => 10, Recursive = true };
var urls = new Option<string>("--urls") { Description = "Where the service listens.", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
var url = new Option<string>("--url") { Description = "The service to query.", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
foreach (var option in new[] { vectors, dimensions, queries, concurrency }) AtLeast(option, 1);
k.Validators.Add(r =>
{
    if (r.GetValueOrDefault<int>() is < 1 or > SearchRequest.MaxK) r.AddError($"--k must be 1 to {SearchRequest.MaxK}.");
});

var serve = new Command("serve", "Run the service until Ctrl+C.") { urls };
serve.SetAction(async (parse, cancellationToken) =>
{
    await using var app = VectorSearchApp.Build(Index(parse), parse.GetValue(urls)!);
    var address = await StartAsync(app, parse);
    await parse.InvocationConfiguration.Output.WriteLineAsync($"listening on {address}; POST /search {{\"vector\":[…],\"k\":10}}");
    await app.WaitForShutdownAsync(cancellationToken);
});

var client = new Command("client", "Query a running service: serially, then concurrently.") { url };
client.SetAction(async (parse, cancellationToken) =>
    await RunClientAsync(parse, new Uri(parse.GetValue(url)!), cancellationToken));

var root = new RootCommand("Brute-force cosine vector search over HTTP on the Cpu lane, queried serially and then concurrently " +
    "through the Io lane. With no command: starts the service on a free loopback port and runs the client against it.")
{
    vectors, dimensions, seed, queries, concurrency, k, serve, client,
};
root.SetAction(async (parse, cancellationToken) =>
{
    await using var app = VectorSearchApp.Build(Index(parse), "http://127.0.0.1:0");
    var address = await StartAsync(app, parse);
    await RunClientAsync(parse, address, cancellationToken);
    await app.StopAsync(CancellationToken.None);
});
return await root.Parse(args).InvokeAsync();

IndexSettings Index(ParseResult parse) => new(parse.GetValue(vectors), parse.GetValue(dimensions), parse.GetValue(seed));

async Task<Uri> StartAsync(WebApplication app, ParseResult parse)
{
    var output = parse.InvocationConfiguration.Output;
    var index = Index(parse);
    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
        $"building the index: {index.Vectors:N0} x {index.Dimensions} floats ({4.0 * index.Vectors * index.Dimensions / (1 << 20):0.0} MiB), seed {index.Seed}"));
    var address = await VectorSearchApp.StartAsync(app);
    await output.WriteLineAsync($"service on {address}, searching on the Cpu lane ({app.Services.GetRequiredService<Lane>().Parallelism} workers)");
    return address;
}

async Task RunClientAsync(ParseResult parse, Uri address, CancellationToken cancellationToken)
{
    using var http = new HttpClient { BaseAddress = address };
    var info = await http.GetFromJsonAsync<System.Text.Json.JsonElement>(new Uri("/info", UriKind.Relative), cancellationToken);
    var report = await new SearchClient(http).RunAsync(parse.GetValue(queries), info.GetProperty("dimensions").GetInt32(),
        parse.GetValue(k), parse.GetValue(concurrency), parse.GetValue(seed) + 1, cancellationToken);
    await parse.InvocationConfiguration.Output.WriteLineAsync(report.ToString());
}

static void AtLeast(Option<int> option, int min) => option.Validators.Add(r =>
{
    if (r.GetValueOrDefault<int>() < min) r.AddError($"{option.Name} must be at least {min}.");
});
