using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Switchyard.Samples.Etl;
using Switchyard.Samples.Tests.Support;
using Switchyard.Testing;

namespace Switchyard.Samples.Tests;

/// <summary>The ETL sample, end to end: a generated JSON-lines file into a real SQLite file.</summary>
public sealed class EtlTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Theory]
    [InlineData(TransformLane.Cpu, 20_000)]
    [InlineData(TransformLane.Process, 4_000)]
    public async Task Every_order_is_loaded_and_the_table_matches_the_input(TransformLane lane, int orders)
    {
        using var temp = new TempFolder();
        var input = temp.File("orders.jsonl");
        await OrderGenerator.WriteAsync(input, orders);
        var output = new StringWriter();

        var exit = await EtlSample.RunAsync(new EtlOptions
        {
            Input = input, Database = temp.File("orders.db"), BatchSize = 250, Workers = 2, Capacity = 2, Transform = lane,
        }, output).Within(Patience);

        Assert.True(exit == 0, output.ToString());
        var expected = InputChecksum(input);
        Assert.Equal(orders, expected.Rows);
        Assert.Equal(expected, TableChecksum(temp.File("orders.db")));
        AssertFirstOrderTransformed(input, temp.File("orders.db"));
    }

    [Fact]
    public async Task The_report_shows_each_stage_s_throughput_and_the_backpressure_bound()
    {
        var output = new StringWriter();
        var exit = await EtlSample.RunAsync(new EtlOptions { Rows = 5_000, BatchSize = 100, Workers = 2, Capacity = 3 }, output).Within(Patience);

        var text = output.ToString();
        Assert.True(exit == 0, text);
        Assert.Contains("at most 10 batches (1000 rows) between read and load", text, StringComparison.Ordinal); // 1 + (3+2) + (3+1)
        foreach (var stage in new[] { "read", "transform", "load" })
            Assert.Matches($@"(?m)^{stage} +[0-9]+ +5000 +[0-9.]+ +[0-9]+ ", text);
        Assert.Matches(@"total +5000 rows in [0-9.]+ s: [0-9]+ rows/s end to end", text);
        Assert.Contains("5000 lines read = 5000 rows loaded", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_line_fails_the_transform_stage_and_leaves_no_database()
    {
        using var temp = new TempFolder();
        var input = temp.File("orders.jsonl");
        await OrderGenerator.WriteAsync(input, 2_000);
        var lines = await File.ReadAllLinesAsync(input);
        lines[1_500] = "{\"id\": 1501, \"currency\": \"XXX\"";
        await File.WriteAllLinesAsync(input, lines);
        var database = temp.File("orders.db");

        var error = await Assert.ThrowsAsync<PipelineStageException>(() =>
            EtlSample.RunAsync(new EtlOptions { Input = input, Database = database, BatchSize = 100 }, TextWriter.Null)).Within(Patience);

        Assert.Equal("transform", error.Stage);
        Assert.IsType<FormatException>(error.InnerException);
        Assert.Contains("Not an order", error.InnerException!.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(database), "a failed load must not leave its database behind");
    }

    [Fact]
    public async Task Bad_options_are_refused_naming_the_option_and_nothing_is_written()
    {
        using var temp = new TempFolder();
        var existing = temp.File("keep.db");
        await File.WriteAllTextAsync(existing, "not mine to overwrite");

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            EtlSample.RunAsync(new EtlOptions { Rows = 10, Database = existing }, TextWriter.Null));
        Assert.Contains("--database", error.Message, StringComparison.Ordinal);
        Assert.Equal("not mine to overwrite", await File.ReadAllTextAsync(existing));

        error = await Assert.ThrowsAsync<ArgumentException>(() =>
            EtlSample.RunAsync(new EtlOptions { Input = temp.File("missing.jsonl") }, TextWriter.Null));
        Assert.Contains("--input: no file at", error.Message, StringComparison.Ordinal);
        error = await Assert.ThrowsAsync<ArgumentException>(() =>
            EtlSample.RunAsync(new EtlOptions { BatchSize = 0 }, TextWriter.Null));
        Assert.Contains("--batch must be at least 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_executable_runs_end_to_end()
    {
        using var temp = new TempFolder();
        var database = temp.File("out.db");
        var result = await SampleExecutable.RunAsync("Switchyard.Samples.Etl", ["--rows", "3000", "--batch", "250", "--database", database]);

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("rows/s end to end", result.Output, StringComparison.Ordinal);
        Assert.Equal(3000, TableChecksum(database).Rows);

        var again = await SampleExecutable.RunAsync("Switchyard.Samples.Etl", ["--rows", "10", "--database", database]);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already exists", again.Error, StringComparison.Ordinal);
    }

    private sealed record Checksum(long Rows, long IdSum, long CentsSum, long Units);

    // Read with JsonDocument, independently of the sample's own parser.
    private static Checksum InputChecksum(string path)
    {
        long rows = 0, ids = 0, cents = 0, units = 0;
        foreach (var line in File.ReadLines(path))
        {
            using var order = JsonDocument.Parse(line);
            rows++;
            ids += order.RootElement.GetProperty("id").GetInt64();
            foreach (var item in order.RootElement.GetProperty("items").EnumerateArray())
            {
                var qty = item.GetProperty("qty").GetInt32();
                units += qty;
                cents += qty * (long)(decimal.Parse(item.GetProperty("price").GetString()!, CultureInfo.InvariantCulture) * 100);
            }
        }
        return new Checksum(rows, ids, cents, units);
    }

    private static Checksum TableChecksum(string database)
    {
        var row = QueryOneRow(database, "SELECT count(*), sum(id), sum(total_cents), sum(items) FROM orders");
        return new Checksum((long)row[0], (long)row[1], (long)row[2], (long)row[3]);
    }

    private static void AssertFirstOrderTransformed(string input, string database)
    {
        using var order = JsonDocument.Parse(File.ReadLines(input).First());
        var email = order.RootElement.GetProperty("customer").GetProperty("email").GetString()!;
        var country = order.RootElement.GetProperty("customer").GetProperty("country").GetString()!;
        var expectedCustomer = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email.Trim().ToLowerInvariant())));

        var row = QueryOneRow(database, "SELECT customer, country, total_cents, currency, total_eur_cents, day FROM orders WHERE id = 1");
        Assert.Equal(expectedCustomer, (string)row[0]);
        Assert.DoesNotContain("@", (string)row[0], StringComparison.Ordinal); // no e-mail in the table
        Assert.Equal(country.ToUpperInvariant(), (string)row[1]);
        var rate = OrderTransform.EurPerUnit[(string)row[3]];
        Assert.Equal((long)Math.Round((long)row[2] * rate, MidpointRounding.ToEven), (long)row[4]);
        Assert.Equal(order.RootElement.GetProperty("ts").GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), (string)row[5]);
    }

    private static object[] QueryOneRow(string database, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var query = connection.CreateCommand();
        query.CommandText = sql;
        using var reader = query.ExecuteReader();
        Assert.True(reader.Read(), $"no row from {sql}");
        var values = new object[reader.FieldCount];
        reader.GetValues(values);
        return values;
    }
}
