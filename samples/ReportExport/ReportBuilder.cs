using System.Globalization;
using System.Text;
using Switchyard.Jobs;

namespace Switchyard.Samples.ReportExport;

/// <summary>The result of a built report, stored as the job's result.</summary>
internal sealed record ReportResult(string File, long Rows, int Groups);

/// <summary>One group's line of a report.</summary>
internal sealed record ReportLine(string Group, long Sales, long TotalCents);

/// <summary>
/// The job handler: summarises the generated sales in chunks on the Cpu lane (several at once, through
/// <c>Stream</c> as they complete), reports progress after each chunk, then writes the CSV file. The handler itself runs
/// on the worker's Io lane: it only waits, for the Cpu lane and for the disk.
/// </summary>
internal sealed class ReportBuilder(Lane cpu, string folder, Func<ReportProgress, CancellationToken, ValueTask>? afterProgress)
{
    public const string Kind = "report";
    private const int Chunks = 20;

    public string Folder { get; } = Directory.CreateDirectory(folder).FullName;

    public async ValueTask<object?> RunAsync(ReportRequest request, JobContext context, CancellationToken cancellationToken)
    {
        var chunks = (int)Math.Min(Chunks, request.Rows);
        var totals = new Dictionary<string, (long Sales, long Cents)>(StringComparer.Ordinal);
        var done = 0;
        await foreach (var partial in cpu.Stream(Enumerable.Range(0, chunks),
                           chunk => Summarise(request, (long)request.Rows * chunk / chunks, (long)request.Rows * (chunk + 1) / chunks),
                           new MapOptions { Order = MapOrder.Completion }, cancellationToken))
        {
            foreach (var (group, (sales, cents)) in partial)
            {
                var (s, c) = totals.GetValueOrDefault(group);
                totals[group] = (s + sales, c + cents);
            }
            done++;
            var percent = 95.0 * done / chunks;   // the last 5 % is writing the file
            await context.ReportProgressAsync(percent, $"summarised {done} of {chunks} chunks", cancellationToken);
            if (afterProgress is not null)
                await afterProgress(new ReportProgress(context.Job.Id, done, chunks), cancellationToken);
        }

        var lines = totals.Select(t => new ReportLine(t.Key, t.Value.Sales, t.Value.Cents)).OrderBy(l => l.Group, StringComparer.Ordinal).ToList();
        var file = $"report-{context.Job.Id}.csv";
        await WriteCsvAsync(Path.Combine(Folder, file), request.GroupBy, lines, cancellationToken);
        await context.ReportProgressAsync(100, "written", cancellationToken);
        return new ReportResult(file, request.Rows, lines.Count);
    }

    /// <summary>One chunk's totals per group: the CPU-bound part.</summary>
    public static Dictionary<string, (long Sales, long Cents)> Summarise(ReportRequest request, long from, long to)
    {
        var totals = new Dictionary<string, (long Sales, long Cents)>(StringComparer.Ordinal);
        foreach (var sale in SalesData.Rows(request.Seed, from, to))
        {
            var group = GroupOf(sale, request.GroupBy);
            var (sales, cents) = totals.GetValueOrDefault(group);
            totals[group] = (sales + 1, cents + sale.AmountCents);
        }
        return totals;
    }

    public static string GroupOf(Sale sale, string groupBy) => groupBy switch
    {
        "region" => sale.Region,
        "product" => sale.Product,
        "month" => sale.Month.ToString("D2", CultureInfo.InvariantCulture),
        _ => throw new ArgumentOutOfRangeException(nameof(groupBy), groupBy, "groupBy must be region, product or month."),
    };

    /// <summary>The CSV text of a report: a header, then one line per group.</summary>
    public static string Csv(string groupBy, IEnumerable<ReportLine> lines)
    {
        var csv = new StringBuilder().Append(groupBy).Append(",sales,total,average\n");
        foreach (var line in lines)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{line.Group},{line.Sales},{line.TotalCents / 100m:0.00},");
            csv.Append(CultureInfo.InvariantCulture, $"{Math.Round(line.TotalCents / 100m / line.Sales, 2, MidpointRounding.AwayFromZero):0.00}\n");
        }
        return csv.ToString();
    }

    // Written to a temporary file and renamed: a reader never sees half a report, and a retried attempt overwrites.
    private static async Task WriteCsvAsync(string path, string groupBy, IEnumerable<ReportLine> lines, CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, Csv(groupBy, lines), cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>Where a report build is: after <paramref name="Done"/> of <paramref name="Of"/> chunks.</summary>
internal sealed record ReportProgress(long JobId, int Done, int Of);
