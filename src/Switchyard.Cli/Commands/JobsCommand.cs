using System.CommandLine;
using Switchyard.Jobs;
using Switchyard.Jobs.Store;
using static Switchyard.Cli.Commands.JobsCommandSupport;

namespace Switchyard.Cli.Commands;

/// <summary><c>yard jobs</c>: list jobs, newest first, with filters and keyset paging.</summary>
internal static class JobsCommand
{
    internal static Command Create()
    {
        var state = new Option<string[]>("--state")
        {
            Description = $"Only jobs in these states ({JobStates.Names}); repeat or separate with commas.",
            AllowMultipleArgumentsPerToken = true,
        };
        var queue = new Option<string?>("--queue") { Description = "Only jobs of this queue." };
        var kind = new Option<string?>("--kind") { Description = "Only jobs of this kind." };
        var search = new Option<string?>("--search") { Description = "Only jobs whose payload or last error contains this text." };
        var limit = new Option<int>("--limit") { Description = "How many jobs (1 to 1000).", DefaultValueFactory = _ => 50 };
        var before = new Option<long?>("--before") { Description = "Jobs older than this id (the next page's cursor)." };
        var counts = new Option<bool>("--counts") { Description = "Print how many jobs each queue holds in each state instead of a listing." };
        var db = DbOption();
        var json = JsonOption();
        var command = new Command("jobs", "List jobs, newest first.") { state, queue, kind, search, limit, before, counts, db, json };
        command.SetAction((parse, ct) => Guard(parse, async output =>
        {
            var states = new List<JobState>();
            foreach (var name in (parse.GetValue(state) ?? []).SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            {
                if (!JobStates.TryParse(name, out var parsed))
                    throw new JobValidationException("--state", $"'{name}' is not a state (states: {JobStates.Names}).", null);
                states.Add(parsed);
            }
            var pageSize = parse.GetValue(limit);
            if (pageSize is < 1 or > 1000)
                throw new JobValidationException("--limit", $"must be 1 to 1000 (got {pageSize}).", null);
            await using var store = await OpenStoreAsync(parse.GetValue(db)!, null, ct);
            if (parse.GetValue(counts))
                return await PrintCountsAsync(store, output, parse.GetValue(json), ct);
            var page = await store.QueryAsync(new JobQuery
            {
                States = states, Queue = parse.GetValue(queue), Kind = parse.GetValue(kind), Search = parse.GetValue(search),
                Limit = pageSize, Before = parse.GetValue(before),
            }, ct);
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync($"{{\"jobs\":[{string.Join(",", page.Jobs.Select(j => ToJson(j)))}],\"nextCursor\":{(page.NextCursor?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null")}}}");
                return 0;
            }
            await output.WriteLineAsync($"{"ID",-10} {"STATE",-10} {"QUEUE",-12} {"KIND",-14} {"ATTEMPT",-8} {"CREATED",-20} ERROR");
            foreach (var j in page.Jobs)
            {
                await output.WriteLineAsync(
                    $"{j.Id,-10} {State(j.State),-10} {Cut(j.Queue, 12),-12} {Cut(j.Kind, 14),-14} {$"{j.Attempt}/{j.MaxAttempts}",-8} {j.CreatedAt:yyyy-MM-dd HH:mm:ss}  {Cut(j.LastError?.Message ?? "", 60)}");
            }
            if (page.NextCursor is { } next)
                await output.WriteLineAsync($"more: yard jobs --before {next}");
            return 0;
        }));
        return command;
    }

    private static async Task<int> PrintCountsAsync(Switchyard.Jobs.Store.IJobStore store, TextWriter output, bool json, CancellationToken ct)
    {
        var counts = await store.CountAsync(ct);
        if (json)
        {
            await output.WriteLineAsync(System.Text.Json.JsonSerializer.Serialize(counts.Select(c => new { c.Queue, State = State(c.State), c.Count }), Json));
            return 0;
        }
        await output.WriteLineAsync($"{"QUEUE",-20} {"STATE",-10} {"COUNT",10}");
        foreach (var c in counts)
            await output.WriteLineAsync($"{Cut(c.Queue, 20),-20} {State(c.State),-10} {c.Count,10}");
        return 0;
    }

    private static string Cut(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";
}
