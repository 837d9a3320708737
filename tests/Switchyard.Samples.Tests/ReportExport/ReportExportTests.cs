using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Switchyard.Samples.ReportExport;
using Switchyard.Testing;

namespace Switchyard.Samples.Tests.ReportExport;

/// <summary>Sample 5 end to end: the app on a real 127.0.0.1 port, its worker building reports from a real SQLite queue.</summary>
public sealed class ReportExportTests : IAsyncLifetime, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "switchyard-reports-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly TaskCompletionSource<ReportProgress> _firstChunk = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _app = ReportExportApp.Build(
            ["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning", "--store", Path.Combine(_folder, "jobs.db"), "--files", Path.Combine(_folder, "files")],
            new ReportExportOptions
            {
                // Hold every build after its first chunk until the test releases it: the test sees it half done.
                AfterProgress = async (progress, cancellationToken) =>
                {
                    _firstChunk.TrySetResult(progress);
                    await _release.Task.WaitAsync(cancellationToken);
                },
            });
        await _app.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(_app.Urls.Single()) };
    }

    [Fact]
    public async Task Post_answers_202_at_once_progress_shows_then_the_file_is_right()
    {
        const int rows = 300_000;
        using var post = await _http.PostAsJsonAsync("/reports", new { groupBy = "product", rows, seed = 7 });

        Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
        var accepted = await post.Content.ReadFromJsonAsync<JsonElement>();
        var id = accepted.GetProperty("id").GetInt64();
        Assert.Equal($"/reports/{id}", post.Headers.Location?.OriginalString);
        Assert.Contains(accepted.GetProperty("status").GetString(), new[] { "queued", "running" });

        // The build is held after its first chunk: running, with that chunk's progress, and no file yet.
        var held = await _firstChunk.Task.Within();
        Assert.Equal((id, 1, 20), (held.JobId, held.Done, held.Of));
        var status = await StatusAsync(id);
        Assert.Equal("running", status.GetProperty("status").GetString());
        Assert.Equal(95.0 / 20, status.GetProperty("progress").GetDouble(), 6);
        Assert.Equal("summarised 1 of 20 chunks", status.GetProperty("message").GetString());
        using (var early = await _http.GetAsync(new Uri($"/reports/{id}/file", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);

        _release.SetResult();
        var done = await UntilAsync(id, "done");
        Assert.Equal(100, done.GetProperty("progress").GetDouble());
        Assert.Equal($"/reports/{id}/file", done.GetProperty("file").GetString());

        using var file = await _http.GetAsync(new Uri($"/reports/{id}/file", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("text/csv", file.Content.Headers.ContentType?.MediaType);
        var csv = (await file.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("product,sales,total,average", csv[0]);
        // The reference: every row generated one by one and grouped with LINQ.
        var expected = SalesData.Rows(7, 0, rows).GroupBy(s => s.Product).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => string.Create(CultureInfo.InvariantCulture,
                $"{g.Key},{g.Count()},{g.Sum(s => s.AmountCents) / 100m:0.00},{Math.Round(g.Sum(s => s.AmountCents) / 100m / g.Count(), 2, MidpointRounding.AwayFromZero):0.00}"))
            .ToArray();
        Assert.Equal(expected, csv[1..]);
        Assert.Equal(SalesData.Products.Length, expected.Length);
    }

    [Theory]
    [InlineData("""{"groupBy":"colour","rows":10}""", "groupBy", "groupBy must be one of region, product, month.")]
    [InlineData("""{"groupBy":"month","rows":0}""", "rows", "rows must be 1 to 50,000,000.")]
    public async Task A_bad_request_is_refused_naming_the_field_and_nothing_is_queued(string body, string field, string message)
    {
        using var post = await _http.PostAsync(new Uri("/reports", UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        var problem = await post.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(message, problem.GetProperty("errors").GetProperty(field)[0].GetString());
        using var none = await _http.GetAsync(new Uri("/reports/1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
    }

    [Fact]
    public async Task An_unknown_report_is_404_on_both_endpoints()
    {
        using var status = await _http.GetAsync(new Uri("/reports/42", UriKind.Relative));
        using var file = await _http.GetAsync(new Uri("/reports/42/file", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, file.StatusCode);
    }

    [Fact]
    public async Task The_one_command_serves_the_api_and_builds_a_report()
    {
        using var program = SampleProcess.Start("ReportExport", "Switchyard.Samples.ReportExport", "--urls", "http://127.0.0.1:0",
            "--store", Path.Combine(_folder, "cli.db"), "--files", Path.Combine(_folder, "cli-files"));
        var listening = await program.WaitForLineAsync(line => line.Contains("Now listening on: ", StringComparison.Ordinal));
        using var http = new HttpClient { BaseAddress = new Uri(listening[(listening.IndexOf("http", StringComparison.Ordinal))..]) };

        using var post = await http.PostAsJsonAsync("/reports", new { groupBy = "month", rows = 1000 });
        Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
        var location = post.Headers.Location!;
        var deadline = DateTime.UtcNow + Signal.Patience;
        while ((await http.GetFromJsonAsync<JsonElement>(location)).GetProperty("status").GetString() != "done")
        {
            Assert.True(DateTime.UtcNow < deadline, "the report was not built in time:\n" + program.Output);
            await Task.Yield();
        }
        var csv = await http.GetStringAsync(new Uri(location.OriginalString + "/file", UriKind.Relative));
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("month,sales,total,average", lines[0]);
        Assert.Equal(12, lines.Length - 1);
        Assert.Equal(1000, lines.Skip(1).Sum(l => int.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)));
        Assert.Contains("job queue in " + Path.Combine(_folder, "cli.db"), program.Output, StringComparison.Ordinal);
    }

    private async Task<JsonElement> StatusAsync(long id) =>
        await _http.GetFromJsonAsync<JsonElement>(new Uri($"/reports/{id}", UriKind.Relative));

    // Polls the status endpoint (the client's view) until the report reaches the state, or fails after Signal.Patience.
    private async Task<JsonElement> UntilAsync(long id, string state)
    {
        var deadline = DateTime.UtcNow + Signal.Patience;
        while (true)
        {
            var status = await StatusAsync(id);
            if (status.GetProperty("status").GetString() == state) return status;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Report {id} is still {status} after {Signal.Patience}.");
            await Task.Yield();
        }
    }

    public async Task DisposeAsync()
    {
        _release.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    public void Dispose() => _http?.Dispose();
}
