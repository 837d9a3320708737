using System.Diagnostics;
using System.Net.Http.Json;

namespace Switchyard.Samples.VectorSearch;

/// <summary>What the client measured.</summary>
internal sealed record ClientReport(int Queries, TimeSpan Serial, TimeSpan Concurrent, int Concurrency, bool SameResults)
{
    public double SerialPerSecond => Queries / Serial.TotalSeconds;

    public double ConcurrentPerSecond => Queries / Concurrent.TotalSeconds;

    public override string ToString() => string.Join(Environment.NewLine,
        FormattableString.Invariant($"serial:     {Queries:N0} queries in {Serial.TotalSeconds:0.00} s: {SerialPerSecond:N1} queries/s (one at a time)"),
        FormattableString.Invariant($"concurrent: {Queries:N0} queries in {Concurrent.TotalSeconds:0.00} s: {ConcurrentPerSecond:N1} queries/s (Io lane, {Concurrency} in flight)"),
        FormattableString.Invariant($"speedup:    {ConcurrentPerSecond / SerialPerSecond:0.00}x; same results both ways: {(SameResults ? "yes" : "NO")}"));
}

/// <summary>
/// The client: sends the same queries twice over HTTP, first one at a time (each waits for the previous answer), then
/// through an Io lane with <c>concurrency</c> in flight (the waiting overlaps: while one query is on the wire or being
/// parsed, others are being searched), and compares the two runs' speed and answers.
/// </summary>
internal sealed class SearchClient(HttpClient http)
{
    public async Task<ClientReport> RunAsync(int queries, int dimensions, int k, int concurrency, int seed, CancellationToken cancellationToken)
    {
        var vectors = VectorIndex.RandomVectors(seed, queries, dimensions);

        var clock = Stopwatch.StartNew();
        var serial = new SearchHit[queries][];
        for (var i = 0; i < queries; i++)
            serial[i] = await SearchAsync(vectors[i], k, cancellationToken);
        var serialTime = clock.Elapsed;

        clock.Restart();
        await using var io = Lane.Io(new IoLaneOptions { Name = "search-client", MaxConcurrency = concurrency });
        var concurrent = await io.MapAsync(vectors, (vector, token) => new ValueTask<SearchHit[]>(SearchAsync(vector, k, token)),
            cancellationToken: cancellationToken);
        var concurrentTime = clock.Elapsed;

        var same = serial.Zip(concurrent).All(pair => pair.First.SequenceEqual(pair.Second));
        return new ClientReport(queries, serialTime, concurrentTime, concurrency, same);
    }

    public async Task<SearchHit[]> SearchAsync(float[] vector, int k, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(new Uri("/search", UriKind.Relative), new SearchRequest(vector, k), cancellationToken);
        response.EnsureSuccessStatusCode();
        var answer = await response.Content.ReadFromJsonAsync<SearchResponse>(cancellationToken);
        return answer!.Hits;
    }
}
