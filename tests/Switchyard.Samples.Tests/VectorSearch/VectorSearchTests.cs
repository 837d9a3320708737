using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Switchyard.Samples.VectorSearch;
using Switchyard.Testing;

namespace Switchyard.Samples.Tests.VectorSearch;

/// <summary>Sample 6 end to end: the service on a real 127.0.0.1 port (a smaller index than the sample's default), and the program itself.</summary>
public sealed class VectorSearchTests : IAsyncLifetime, IDisposable
{
    private static readonly IndexSettings Small = new(Vectors: 5_000, Dimensions: 32, Seed: 3);
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _app = VectorSearchApp.Build(Small, "http://127.0.0.1:0");
        _http = new HttpClient { BaseAddress = await VectorSearchApp.StartAsync(_app) };
    }

    [Fact]
    public async Task Search_results_match_a_straightforward_cosine_computation()
    {
        var stored = VectorIndex.RandomVectors(Small.Seed, Small.Vectors, Small.Dimensions);
        var client = new SearchClient(_http);
        foreach (var query in VectorIndex.RandomVectors(99, 5, Small.Dimensions))
        {
            var hits = await client.SearchAsync(query, 10, CancellationToken.None);

            // The reference: every stored vector's cosine in double precision, sorted.
            var reference = stored.Select((v, id) => (Id: id, Score: Cosine(query, v))).OrderByDescending(h => h.Score).Take(10).ToArray();
            Assert.Equal(10, hits.Length);
            for (var rank = 0; rank < 10; rank++)
            {
                Assert.Equal(reference[rank].Score, hits[rank].Score, 1e-4);                   // the right scores, best first
                Assert.Equal(Cosine(query, stored[hits[rank].Id]), hits[rank].Score, 1e-4);   // each for the id it names
            }
            // Ids agree wherever the reference's scores are not a near-tie that float rounding could swap.
            for (var rank = 0; rank < 9; rank++)
                if (reference[rank].Score - reference[rank + 1].Score > 1e-5 && (rank == 0 || reference[rank - 1].Score - reference[rank].Score > 1e-5))
                    Assert.Equal(reference[rank].Id, hits[rank].Id);
        }
    }

    [Fact]
    public async Task The_client_reports_serial_and_concurrent_figures_with_the_same_results()
    {
        var report = await new SearchClient(_http).RunAsync(queries: 40, Small.Dimensions, k: 5, concurrency: 8, seed: 4, CancellationToken.None);

        Assert.Equal(40, report.Queries);
        Assert.True(report.SerialPerSecond > 0 && report.ConcurrentPerSecond > 0);
        Assert.True(report.SameResults);
        var lines = report.ToString().Split(Environment.NewLine);
        Assert.StartsWith("serial:     40 queries in ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("concurrent: 40 queries in ", lines[1], StringComparison.Ordinal);
        Assert.Contains("(Io lane, 8 in flight)", lines[1], StringComparison.Ordinal);
        Assert.Matches(@"^speedup:    \d+\.\d\dx; same results both ways: yes$", lines[2]);
    }

    [Theory]
    [InlineData("""{"vector":[1,2,3],"k":5}""", "vector", "vector must hold exactly 32 numbers.")]
    [InlineData("""{"k":5}""", "vector", "vector must hold exactly 32 numbers.")]
    [InlineData("""{"vector":[1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0],"k":0}""", "k", "k must be 1 to 100.")]
    [InlineData("""{"vector":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}""", "vector", "vector must not be all zeros (it has no direction).")]
    public async Task A_bad_query_is_refused_naming_the_field(string body, string field, string message)
    {
        using var response = await _http.PostAsync(new Uri("/search", UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(message, problem.GetProperty("errors").GetProperty(field)[0].GetString());
    }

    [Fact]
    public async Task The_one_command_runs_service_and_client_and_prints_both_figures()
    {
        using var program = SampleProcess.Start("VectorSearch", "Switchyard.Samples.VectorSearch",
            "--vectors", "2000", "--dimensions", "16", "--queries", "30", "--concurrency", "4");

        Assert.True(await program.ExitCodeAsync(TimeSpan.FromMinutes(2)) == 0, program.Output);
        var output = program.Output;
        Assert.Contains("building the index: 2,000 x 16 floats", output, StringComparison.Ordinal);
        Assert.Matches(@"serial:     30 queries in \d+\.\d\d s: [\d,]+\.\d queries/s", output);
        Assert.Matches(@"concurrent: 30 queries in \d+\.\d\d s: [\d,]+\.\d queries/s \(Io lane, 4 in flight\)", output);
        Assert.Contains("same results both ways: yes", output, StringComparison.Ordinal);
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, aa = 0, bb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            aa += (double)a[i] * a[i];
            bb += (double)b[i] * b[i];
        }
        return dot / Math.Sqrt(aa * bb);
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public void Dispose() => _http?.Dispose();
}
