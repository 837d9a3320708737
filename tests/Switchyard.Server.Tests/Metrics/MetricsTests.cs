using System.Globalization;
using System.Text.Json;
using Switchyard.Jobs;
using Switchyard.Server.Metrics;

namespace Switchyard.Server.Tests.Metrics;

public sealed class MetricsTests
{
    /// <summary>One sample line of the exposition: name, labels, value.</summary>
    private sealed record Sample(string Name, Dictionary<string, string> Labels, double Value);

    [Fact]
    public async Task Metrics_count_attempts_and_their_durations_by_kind_queue_and_state()
    {
        // A queue of its own: the meter is process-wide, and other tests' workers end attempts too.
        var queue = "metrics-" + Guid.NewGuid().ToString("N")[..8];
        await using var server = ServerHarness.Start(db => new ServerOptions { Db = db, Workers = 2, Queues = [queue] }, handlers => handlers
            .AddEcho()
            .Add<JsonElement>("doomed", (_, _, _) => throw new PermanentJobException("no")));
        var ids = new List<long>();
        for (var i = 0; i < 3; i++) ids.Add(await server.SubmitAsync("echo", "{}", $$""","queue":"{{queue}}" """));
        var doomed = await server.SubmitAsync("doomed", "{}", $$""","queue":"{{queue}}" """);
        foreach (var id in ids) await server.WaitForStateAsync(id, JobState.Succeeded);
        await server.WaitForStateAsync(doomed, JobState.Dead);

        List<Sample> samples = [];
        string text = "";
        await ServerHarness.UntilAsync(async () =>
        {
            using var response = await server.GetAsync("/metrics");
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("0.0.4", response.Content.Headers.ContentType?.Parameters.Single(p => p.Name == "version").Value);
            text = await response.Content.ReadAsStringAsync();
            samples = Parse(text);
            return Value(samples, "switchyard_jobs_total", ("kind", "echo"), ("queue", queue), ("state", "succeeded")) == 3
                && Value(samples, "switchyard_jobs_total", ("kind", "doomed"), ("queue", queue), ("state", "dead")) == 1;
        }, "the attempts in /metrics");

        Assert.Contains("# TYPE switchyard_jobs_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE switchyard_job_duration_seconds histogram\n", text, StringComparison.Ordinal);
        Assert.Contains("# HELP switchyard_jobs_total ", text, StringComparison.Ordinal);

        // The echo histogram: cumulative buckets in order, +Inf equal to the count, and the count equal to the counter.
        var buckets = samples.Where(s => s.Name == "switchyard_job_duration_seconds_bucket" && s.Labels["kind"] == "echo" && s.Labels["queue"] == queue).ToList();
        Assert.Equal(JobMetricsCollector.Buckets.Length + 1, buckets.Count);
        Assert.Equal("+Inf", buckets[^1].Labels["le"]);
        var bounds = buckets.SkipLast(1).Select(b => double.Parse(b.Labels["le"], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(bounds.Order(), bounds);
        Assert.All(buckets.Zip(buckets.Skip(1)), pair => Assert.True(pair.First.Value <= pair.Second.Value));
        var count = Value(samples, "switchyard_job_duration_seconds_count", ("kind", "echo"), ("queue", queue));
        Assert.Equal(3, count);
        Assert.Equal(count, buckets[^1].Value);
        Assert.True(Value(samples, "switchyard_job_duration_seconds_sum", ("kind", "echo"), ("queue", queue)) >= 0);

        Assert.Equal(3, Value(samples, "switchyard_jobs", ("queue", queue), ("state", "succeeded")));
        Assert.Equal(1, Value(samples, "switchyard_jobs", ("queue", queue), ("state", "dead")));
        Assert.True(Value(samples, "switchyard_workers_alive") >= 0);
    }

    [Fact]
    public void Label_values_are_escaped_and_numbers_written_as_prometheus_reads_them()
    {
        var text = new PrometheusText()
            .Family("x_total", "counter", "A help text.")
            .Sample("x_total", [("kind", "a\"b\\c\nd")], 1.5)
            .Sample("x_total", [], double.PositiveInfinity)
            .ToString();
        Assert.Equal("# HELP x_total A help text.\n# TYPE x_total counter\nx_total{kind=\"a\\\"b\\\\c\\nd\"} 1.5\nx_total +Inf\n", text);
        var parsed = Parse(text);
        Assert.Equal("a\"b\\c\nd", parsed[0].Labels["kind"]);
    }

    private static double? Value(List<Sample> samples, string name, params (string Name, string Value)[] labels) =>
        samples.SingleOrDefault(s => s.Name == name && s.Labels.Count == labels.Length && labels.All(l => s.Labels.GetValueOrDefault(l.Name) == l.Value))?.Value;

    /// <summary>A reader of the text format, enough to check what the server writes: name{label="value",...} number.</summary>
    private static List<Sample> Parse(string text)
    {
        var samples = new List<Sample>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var labels = new Dictionary<string, string>();
            var i = line.IndexOfAny(['{', ' ']);
            var name = line[..i];
            if (line[i] == '{')
            {
                i++;
                while (line[i] != '}')
                {
                    var eq = line.IndexOf('=', i);
                    var label = line[i..eq];
                    var value = new System.Text.StringBuilder();
                    var j = eq + 2;
                    for (; line[j] != '"'; j++)
                    {
                        if (line[j] == '\\')
                        {
                            j++;
                            value.Append(line[j] == 'n' ? '\n' : line[j]);
                        }
                        else value.Append(line[j]);
                    }
                    labels[label] = value.ToString();
                    i = line[j + 1] == ',' ? j + 2 : j + 1;
                }
                i++;
            }
            var number = line[(i + 1)..];
            samples.Add(new Sample(name, labels, number == "+Inf" ? double.PositiveInfinity : double.Parse(number, CultureInfo.InvariantCulture)));
        }
        return samples;
    }
}
