using System.CommandLine;
using System.Threading.Channels;
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
            await using var store = await OpenStoreAsync(parse.GetValue(db)!, null, ct);
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
    /// Enqueues each input line, keeping up to 256 enqueues in flight so the store groups them into shared commits,
    /// and prints each id as soon as its commit is done (in input order), without waiting for more input.
    /// A refused line stops the run; the lines before it stay enqueued.
    /// </summary>
    private static async Task<int> SubmitLinesAsync(JobClient client, string kind, JobOptions options, TextWriter output, bool asJson,
        CancellationToken ct)
    {
        var pending = Channel.CreateBounded<Task<EnqueueResult>>(new BoundedChannelOptions(256) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reading = Task.Run(async () =>
        {
            try
            {
                var number = 0;
                while (await Console.In.ReadLineAsync(stop.Token) is { } line)
                {
                    number++;
                    if (line.Length > 0)
                        await pending.Writer.WriteAsync(EnqueueLineAsync(client, kind, line, options, number, stop.Token), stop.Token);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            finally
            {
                pending.Writer.TryComplete();
            }
        }, CancellationToken.None);
        try
        {
            await foreach (var enqueue in pending.Reader.ReadAllAsync(CancellationToken.None))
            {
                var result = await enqueue;
                await output.WriteLineAsync(asJson ? ToJson(result.Job) : result.Job.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                await output.FlushAsync(CancellationToken.None);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await reading;
        }
        return 0;
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
