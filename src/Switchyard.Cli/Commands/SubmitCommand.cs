using System.CommandLine;
using Switchyard.Jobs;
using Switchyard.Jobs.Store;
using static Switchyard.Cli.Commands.JobsCommandSupport;

namespace Switchyard.Cli.Commands;

/// <summary><c>yard submit KIND --payload JSON</c>: enqueue a job (or, with --stdin, one job per input line).</summary>
internal static class SubmitCommand
{
    internal static Command Create()
    {
        var kind = new Argument<string>("kind") { Description = "The job's kind (its handler's name), e.g. shell or http." };
        var payload = new Option<string?>("--payload") { Description = "The payload, as JSON." };
        var queue = new Option<string?>("--queue") { Description = "The queue (default: default)." };
        var priority = new Option<int>("--priority") { Description = "Higher runs first (default: 0)." };
        var delay = new Option<string?>("--delay") { Description = "Run no earlier than this from now: 30s, 5m, 1h, 2d, or seconds." };
        var key = new Option<string?>("--key") { Description = "An idempotency key: submitting it again returns the existing job." };
        var maxAttempts = new Option<int?>("--max-attempts") { Description = "Attempts before the job is dead (default: 20)." };
        var stdin = new Option<bool>("--stdin")
        {
            Description = "Read one payload per line from standard input and print each job's id as soon as its enqueue is committed.",
        };
        var db = DbOption();
        var json = JsonOption();
        var assemblies = HandlersAssemblyOption();
        var command = new Command("submit", "Enqueue a job on the durable queue.")
        {
            kind, payload, queue, priority, delay, key, maxAttempts, stdin, db, json, assemblies,
        };
        command.SetAction((parse, ct) => Guard(parse, async output =>
        {
            var usesStdin = parse.GetValue(stdin);
            var text = parse.GetValue(payload);
            if (usesStdin == (text is not null))
                throw new JobValidationException("--payload", "give either --payload JSON or --stdin (one payload per line).", null);
            var options = new JobOptions
            {
                Queue = parse.GetValue(queue),
                Priority = parse.GetValue(priority),
                Delay = parse.GetValue(delay) is { } d ? ParseDuration(d, "--delay") : null,
                IdempotencyKey = parse.GetValue(key),
                MaxAttempts = parse.GetValue(maxAttempts),
            };
            var handlers = Handlers(parse.GetValue(assemblies));
            await using var store = OpenStore(parse.GetValue(db)!);
            var client = new JobClient(store, new JobClientOptions { Handlers = handlers });
            var asJson = parse.GetValue(json);
            if (!usesStdin)
            {
                var result = await client.EnqueueAsync(parse.GetValue(kind)!, text!, options, ct);
                await output.WriteLineAsync(asJson ? ToJson(result.Job)
                    : $"{result.Job.Id}\t{State(result.Job.State)}{(result.Created ? "" : "\t(existing job: same key)")}");
                return 0;
            }
            return await SubmitLinesAsync(client, parse.GetValue(kind)!, options, output, asJson, ct);
        }));
        return command;
    }

    /// <summary>
    /// Enqueues each input line, keeping many enqueues in flight so the store groups them into shared commits,
    /// and prints each id once its commit is done (in input order).
    /// </summary>
    private static async Task<int> SubmitLinesAsync(JobClient client, string kind, JobOptions options, TextWriter output, bool asJson,
        CancellationToken ct)
    {
        const int window = 256;
        var pending = new Queue<Task<EnqueueResult>>();
        var lineNumber = 0;
        string? line;
        while ((line = await Console.In.ReadLineAsync(ct)) is not null)
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var number = lineNumber;
            pending.Enqueue(EnqueueLineAsync(client, kind, line, options, number, ct));
            while (pending.Count >= window || (pending.Count > 0 && pending.Peek().IsCompleted))
                await WriteAsync(await pending.Dequeue());
        }
        while (pending.Count > 0)
            await WriteAsync(await pending.Dequeue());
        return 0;

        async Task WriteAsync(EnqueueResult result)
        {
            await output.WriteLineAsync(asJson ? ToJson(result.Job) : result.Job.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await output.FlushAsync(ct);
        }
    }

    private static async Task<EnqueueResult> EnqueueLineAsync(JobClient client, string kind, string line, JobOptions options, int number,
        CancellationToken ct)
    {
        try
        {
            return await client.EnqueueAsync(kind, line, options, ct);
        }
        catch (JobValidationException e)
        {
            throw new JobValidationException($"line {number}: {e.Message}", e);
        }
    }
}
