using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Switchyard.Server.Tests.Api;

/// <summary>Every rule the API checks: 400 as application/problem+json naming the field, and nothing written.</summary>
public sealed class ValidationTests
{
    private static ServerHarness Start(long maxRequestBytes = 1024 * 1024) =>
        ServerHarness.Start(db => new ServerOptions { Db = db, Workers = 0, ShellAllow = ["/bin/echo"], MaxRequestBytes = maxRequestBytes });

    public static TheoryData<string, string> BadSubmissions => new()
    {
        { "", "body" },
        { "{not json", "body" },
        { "42", "body" },
        { "\"job\"", "body" },
        { "[]", "body" },
        { "[" + string.Join(",", Enumerable.Repeat("""{"kind":"http","payload":{"url":"http://127.0.0.1/"}}""", 1001)) + "]", "body" },
        { "[42]", "[0]" },
        { """{"payload":{}}""", "kind" },
        { """{"kind":5,"payload":{}}""", "kind" },
        { """{"kind":"","payload":{}}""", "kind" },
        { """{"kind":"nope","payload":{}}""", "kind" },
        { """{"kind":"http"}""", "payload" },
        { """{"kind":"http","payload":null}""", "payload" },
        { """{"kind":"http","payload":{"url":"ftp://example.com/"}}""", "payload.url" },
        { """{"kind":"http","payload":{"url":"http://127.0.0.1/","method":"BREW"}}""", "payload.method" },
        { """{"kind":"shell","payload":{"argv":[]}}""", "payload.argv" },
        { """{"kind":"shell","payload":{"argv":"/bin/echo hi"}}""", "payload" },
        { """{"kind":"http","payload":{"url":"http://127.0.0.1/"},"queue":7}""", "queue" },
        { """{"kind":"http","payload":{"url":"http://127.0.0.1/"},"queue":"no spaces"}""", "queue" },
        { """{"kind":"http","payload":{"url":"http://127.0.0.1/"},"priority":"high"}""", "priority" },
        { """{"kind":"http","payload":{"url":"http://127.0.0.1/"},"priority":1.5}""", "priority" },
        { """{"kind":"http","payload":{"url":"http://127.0.0.1/"},"priority":5000}""", "priority" },
        { """{"kind":"http","payload":{"url":"http://127.0.0.1/"},"maxAttempts":0}""", "maxAttempts" },
        { """{"kind":"http","payload":{"url":"http://127.0.0.1/"},"maxAttempts":1001}""", "maxAttempts" },
        { """{"kind":"http","payload":{"url":"http://127.0.0.1/"},"runAt":"tomorrow"}""", "runAt" },
        { """{"kind":"http","payload":{"url":"http://127.0.0.1/"},"runAt":5}""", "runAt" },
        { """{"kind":"http","payload":{"url":"http://127.0.0.1/"},"delaySeconds":-1}""", "delaySeconds" },
        { """{"kind":"http","payload":{"url":"http://127.0.0.1/"},"delaySeconds":"10"}""", "delaySeconds" },
        { """{"kind":"http","payload":{"url":"http://127.0.0.1/"},"delaySeconds":99999999}""", "delaySeconds" },
        { """{"kind":"http","payload":{"url":"http://127.0.0.1/"},"delaySeconds":5,"runAt":"2099-01-01T00:00:00Z"}""", "delaySeconds" },
        { """{"kind":"http","payload":{"url":"http://127.0.0.1/"},"idempotencyKey":""}""", "idempotencyKey" },
        { """{"kind":"http","payload":{"url":"http://127.0.0.1/"},"idempotencyKey":5}""", "idempotencyKey" },
        { "{\"kind\":\"http\",\"payload\":{\"url\":\"http://127.0.0.1/\"},\"idempotencyKey\":\"" + new string('k', 501) + "\"}", "idempotencyKey" },
        { """{"kind":"http","payload":{"url":"http://127.0.0.1/"},"colour":"red"}""", "colour" },
        { """[{"kind":"http","payload":{"url":"http://127.0.0.1/"}},{"kind":"http","payload":{"url":"http://127.0.0.1/"},"maxAttempts":-3}]""", "[1].maxAttempts" },
    };

    [Theory]
    [MemberData(nameof(BadSubmissions))]
    public async Task A_bad_submission_is_refused_naming_the_field_and_nothing_is_written(string body, string field)
    {
        await using var server = Start();
        using var response = await server.PostAsync("/api/jobs", body);
        await AssertProblemAsync(response, field);
        var list = await server.GetJsonAsync("/api/jobs");
        Assert.Empty(list.GetProperty("jobs").EnumerateArray());
    }

    public static TheoryData<string, string> BadListings => new()
    {
        { "state=bogus", "state" },
        { "state=running,nope", "state" },
        { "limit=0", "limit" },
        { "limit=501", "limit" },
        { "limit=ten", "limit" },
        { "cursor=-4", "cursor" },
        { "cursor=abc", "cursor" },
        { "search=" + new string('s', 201), "search" },
    };

    [Theory]
    [MemberData(nameof(BadListings))]
    public async Task A_bad_listing_query_is_refused_naming_the_parameter(string query, string field)
    {
        await using var server = Start();
        using var response = await server.GetAsync("/api/jobs?" + query);
        await AssertProblemAsync(response, field);
    }

    public static TheoryData<string, string> BadPurges => new()
    {
        { """{"olderThanSeconds":-1}""", "olderThanSeconds" },
        { """{"olderThanSeconds":"1d"}""", "olderThanSeconds" },
        { """{"olderThan":60}""", "olderThan" },
        { "[]", "body" },
        { "{oops", "body" },
    };

    [Theory]
    [MemberData(nameof(BadPurges))]
    public async Task A_bad_purge_is_refused_naming_the_field(string body, string field)
    {
        await using var server = Start();
        using var response = await server.PostAsync("/api/jobs/purge", body);
        await AssertProblemAsync(response, field);
    }

    [Fact]
    public async Task A_bad_last_event_id_is_refused()
    {
        await using var server = Start();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/events", UriKind.Relative));
        request.Headers.Add("Last-Event-ID", "yesterday");
        using var response = await server.Client.SendAsync(request);
        await AssertProblemAsync(response, "Last-Event-ID");
    }

    [Fact]
    public async Task A_body_over_the_limit_gets_413_and_nothing_is_written()
    {
        await using var server = Start(maxRequestBytes: 2048);
        var big = $$$"""{"kind":"http","payload":{"url":"http://127.0.0.1/","body":"{{{new string('x', 4096)}}}"}}""";
        using var response = await server.PostAsync("/api/jobs", big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);

        // Without a Content-Length (chunked), the limit still holds.
        using var chunked = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(big)));
        chunked.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/jobs", UriKind.Relative)) { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var second = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, second.StatusCode);

        var list = await server.GetJsonAsync("/api/jobs");
        Assert.Empty(list.GetProperty("jobs").EnumerateArray());
        using var small = await server.PostAsync("/api/jobs", """{"kind":"http","payload":{"url":"http://127.0.0.1/"}}""");
        Assert.Equal(HttpStatusCode.Created, small.StatusCode);
    }

    [Fact]
    public async Task A_payload_over_the_queues_limit_is_refused_naming_payload()
    {
        await using var server = Start(maxRequestBytes: 4 * 1024 * 1024);
        var body = $$$"""{"kind":"http","payload":{"url":"http://127.0.0.1/","body":"{{{new string('x', 1024 * 1024 + 1)}}}"}}""";
        using var response = await server.PostAsync("/api/jobs", body);
        await AssertProblemAsync(response, "payload");
    }

    [Theory]
    [InlineData("GET", "/api/jobs/999")]
    [InlineData("POST", "/api/jobs/999/cancel")]
    [InlineData("POST", "/api/jobs/999/retry")]
    public async Task An_unknown_id_gets_404_as_a_problem(string method, string path)
    {
        await using var server = Start();
        using var response = await server.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative)));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("999", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonSerializer.Deserialize<JsonElement>(text);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var rules), $"no error for '{field}' in {text}");
        Assert.All(rules.EnumerateArray(), rule => Assert.False(string.IsNullOrWhiteSpace(rule.GetString())));
    }
}
