using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Switchyard.Jobs;

namespace Switchyard.Server.Tests.Api;

public sealed class SubmitTests
{
    private static ServerHarness Start() => ServerHarness.Start(db => new ServerOptions { Db = db, Workers = 0 },
        handlers => handlers.AddEcho());

    [Fact]
    public async Task One_job_is_created_with_location_and_read_back()
    {
        await using var server = Start();
        using var response = await server.PostAsync("/api/jobs",
            """{"kind":"echo","payload":{"n":1},"queue":"mail","priority":5,"maxAttempts":3,"idempotencyKey":"k-1"}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var job = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = job.GetProperty("id").GetInt64();
        Assert.Equal($"/api/jobs/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("available", job.GetProperty("state").GetString());
        Assert.Equal("mail", job.GetProperty("queue").GetString());
        Assert.Equal(5, job.GetProperty("priority").GetInt32());
        Assert.Equal(3, job.GetProperty("maxAttempts").GetInt32());
        Assert.Equal(1, job.GetProperty("payload").GetProperty("n").GetInt32());
        Assert.Equal("k-1", job.GetProperty("idempotencyKey").GetString());
        Assert.Equal(JsonValueKind.Null, job.GetProperty("result").ValueKind);
        Assert.False(job.GetProperty("cancelRequested").GetBoolean());

        var read = await server.GetJsonAsync($"/api/jobs/{id}");
        Assert.Equal(id, read.GetProperty("id").GetInt64());
        Assert.Equal("echo", read.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task A_repeated_idempotency_key_answers_200_with_the_existing_job()
    {
        await using var server = Start();
        const string body = """{"kind":"echo","payload":{"n":1},"idempotencyKey":"same"}""";
        using var first = await server.PostAsync("/api/jobs", body);
        using var second = await server.PostAsync("/api/jobs", body.Replace("\"n\":1", "\"n\":2", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var a = await first.Content.ReadFromJsonAsync<JsonElement>();
        var b = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(a.GetProperty("id").GetInt64(), b.GetProperty("id").GetInt64());
        Assert.Equal(1, b.GetProperty("payload").GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task An_array_is_created_together_and_answers_ids_and_jobs()
    {
        await using var server = Start();
        using var response = await server.PostAsync("/api/jobs",
            """[{"kind":"echo","payload":{"i":0}},{"kind":"echo","payload":{"i":1},"delaySeconds":3600},{"kind":"echo","payload":{"i":2},"runAt":"2099-01-01T00:00:00Z"}]""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var ids = body.GetProperty("ids").EnumerateArray().Select(e => e.GetInt64()).ToList();
        var jobs = body.GetProperty("jobs").EnumerateArray().ToList();
        Assert.Equal(3, ids.Count);
        Assert.Equal(ids, jobs.Select(j => j.GetProperty("id").GetInt64()));
        Assert.Equal(["available", "scheduled", "scheduled"], jobs.Select(j => j.GetProperty("state").GetString()));
        Assert.Equal(2099, jobs[2].GetProperty("runAt").GetDateTimeOffset().Year);
    }

    [Fact]
    public async Task An_array_whose_every_job_exists_answers_200()
    {
        await using var server = Start();
        const string body = """[{"kind":"echo","payload":{},"idempotencyKey":"a"},{"kind":"echo","payload":{},"idempotencyKey":"b"}]""";
        using var first = await server.PostAsync("/api/jobs", body);
        using var second = await server.PostAsync("/api/jobs", body);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal((await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ids").GetRawText(),
            (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ids").GetRawText());
    }

    [Fact]
    public async Task One_bad_element_refuses_the_whole_array_and_names_it()
    {
        await using var server = Start();
        using var response = await server.PostAsync("/api/jobs",
            """[{"kind":"echo","payload":{}},{"kind":"echo","payload":{},"priority":"high"},{"kind":"nope","payload":{}}]""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("[1].priority", out _), problem.GetRawText());
        Assert.True(errors.TryGetProperty("[2].kind", out _), problem.GetRawText());
        Assert.False(errors.TryGetProperty("[0].kind", out _));
        var list = await server.GetJsonAsync("/api/jobs");
        Assert.Empty(list.GetProperty("jobs").EnumerateArray());
    }

    [Fact]
    public async Task A_script_tag_in_a_payload_comes_back_json_escaped()
    {
        await using var server = Start();
        var id = await server.SubmitAsync("echo", """{"note":"<script>alert(1)</script>"}""");
        using var response = await server.GetAsync($"/api/jobs/{id}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>", text, StringComparison.Ordinal);
        Assert.Contains("\\u003Cscript\\u003E", text, StringComparison.OrdinalIgnoreCase);
        var job = JsonSerializer.Deserialize<JsonElement>(text);
        Assert.Equal("<script>alert(1)</script>", job.GetProperty("payload").GetProperty("note").GetString());
    }

    [Fact]
    public async Task Kinds_lists_the_registered_handlers_and_shell_only_with_an_allow_list()
    {
        await using (var server = Start())
        {
            var kinds = (await server.GetJsonAsync("/api/kinds")).EnumerateArray().Select(e => e.GetString()).ToList();
            Assert.Equal(["echo", "http"], kinds);
        }
        await using (var server = ServerHarness.Start(db => new ServerOptions { Db = db, Workers = 0, ShellAllow = ["/bin/echo"] }))
        {
            var kinds = (await server.GetJsonAsync("/api/kinds")).EnumerateArray().Select(e => e.GetString()).ToList();
            Assert.Equal(["http", "shell"], kinds);
        }
    }

    [Fact]
    public async Task A_submitted_job_runs_on_the_hosted_worker()
    {
        await using var server = ServerHarness.Start(db => new ServerOptions { Db = db, Workers = 2 },
            handlers => handlers.AddEcho());
        var id = await server.SubmitAsync("echo", """{"x":42}""");
        await server.WaitForStateAsync(id, JobState.Succeeded);
        var job = await server.GetJsonAsync($"/api/jobs/{id}");
        Assert.Equal(42, job.GetProperty("result").GetProperty("x").GetInt32());
        Assert.Equal(1, job.GetProperty("attempt").GetInt32());
        Assert.Equal(JsonValueKind.String, job.GetProperty("finishedAt").ValueKind);
    }
}
