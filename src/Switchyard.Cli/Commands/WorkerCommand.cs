using System.CommandLine;
using Switchyard.Jobs;
using Switchyard.Jobs.Handlers.Shell;
using Switchyard.Jobs.Scheduling;
using static Switchyard.Cli.Commands.JobsCommandSupport;

namespace Switchyard.Cli.Commands;

/// <summary><c>yard worker</c>: run jobs from the queue until stopped (Ctrl+C or SIGTERM stop it gracefully).</summary>
internal static class WorkerCommand
{
    internal static Command Create()
    {
        var queues = new Option<string?>("--queues") { Description = "Comma-separated queues, each with its own limit (default: every queue)." };
        var concurrency = new Option<int>("--concurrency") { Description = "Jobs run at once per queue.", DefaultValueFactory = _ => 16 };
        var shellAllow = new Option<string?>("--shell-allow")
        {
            Description = "Comma-separated executables shell jobs may run (names found in PATH, or absolute paths). Without it, shell jobs fail.",
        };
        var lease = new Option<string>("--lease")
        {
            Description = "Lease duration: a killed worker's jobs come back after this (30s, 2s, ...).", DefaultValueFactory = _ => "30s",
        };
        var poll = new Option<string>("--poll") { Description = "Poll interval for jobs from other processes.", DefaultValueFactory = _ => "1s" };
        var grace = new Option<string>("--grace") { Description = "Shutdown grace before running jobs are cancelled.", DefaultValueFactory = _ => "10s" };
        var recurring = new Option<string[]>("--recurring")
        {
            Description = """A recurring job as JSON: {"name":"nightly","cron":"0 3 * * *","kind":"shell","payload":{...},"queue":"default"}. Repeatable.""",
        };
        var db = DbOption();
        var json = JsonOption();
        var assemblies = HandlersAssemblyOption();
        var command = new Command("worker", "Run jobs from the queue until stopped.")
        {
            db, queues, concurrency, shellAllow, lease, poll, grace, recurring, assemblies, json,
        };
        command.SetAction((parse, ct) => Guard(parse, async output =>
        {
            var limit = parse.GetValue(concurrency);
            if (limit < 1) throw new JobValidationException("--concurrency", $"must be at least 1 (got {limit}).", null);
            var leaseDuration = ParseDuration(parse.GetValue(lease)!, "--lease");
            if (leaseDuration < TimeSpan.FromMilliseconds(300))
                throw new JobValidationException("--lease", "must be at least 300ms.", null);
            var allowed = Split(parse.GetValue(shellAllow));
            var handlers = Handlers(parse.GetValue(assemblies), new ShellHandlerOptions { AllowedExecutables = allowed });
            var options = new WorkerOptions
            {
                Queues = Split(parse.GetValue(queues)),
                Concurrency = limit,
                LeaseDuration = leaseDuration,
                PollInterval = ParseDuration(parse.GetValue(poll)!, "--poll") is var p && p > TimeSpan.Zero ? p
                    : throw new JobValidationException("--poll", "must be greater than 0.", null),
                ShutdownGrace = ParseDuration(parse.GetValue(grace)!, "--grace") is var g && g <= YardCli.TerminationTimeout - TimeSpan.FromSeconds(10) ? g
                    : throw new JobValidationException("--grace", $"must be at most {(YardCli.TerminationTimeout - TimeSpan.FromSeconds(10)).TotalSeconds:0} s (yard ends a stopping command after {YardCli.TerminationTimeout.TotalSeconds:0} s).", null),
                Recurring = (parse.GetValue(recurring) ?? []).Select(ParseRecurring).ToList(),
                Log = parse.InvocationConfiguration.Error,
            };
            await using var store = await OpenStoreAsync(parse.GetValue(db)!, parse.InvocationConfiguration.Error, ct);
            await using var worker = new Worker(store, handlers, options);
            await worker.StartAsync(CancellationToken.None);
            var kinds = string.Join(",", handlers.Kinds.Order(StringComparer.Ordinal));
            await output.WriteLineAsync(parse.GetValue(json)
                ? $"{{\"event\":\"started\",\"worker\":\"{worker.Id}\",\"pid\":{Environment.ProcessId},\"kinds\":\"{kinds}\"}}"
                : $"worker {worker.Id} started: db {Describe(store)}, queues {(options.Queues.Count == 0 ? "all" : string.Join(",", options.Queues))}, concurrency {limit}, kinds {kinds}");
            await output.FlushAsync(CancellationToken.None);
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
            }
            await worker.StopAsync(CancellationToken.None);
            var stats = worker.Statistics();
            await output.WriteLineAsync(parse.GetValue(json)
                ? $"{{\"event\":\"stopped\",\"succeeded\":{stats.Succeeded},\"retried\":{stats.Retried},\"dead\":{stats.Dead},\"cancelled\":{stats.Cancelled},\"released\":{stats.Released}}}"
                : $"worker stopped: {stats.Succeeded} succeeded, {stats.Retried} retried, {stats.Dead} dead, {stats.Cancelled} cancelled, {stats.Released} released");
            return 0;
        }));
        return command;
    }

    private sealed record RecurringSpec(string? Name, string? Cron, string? Kind, System.Text.Json.JsonElement? Payload, string? Queue);

    private static RecurringJob ParseRecurring(string json)
    {
        RecurringSpec? spec;
        try
        {
            spec = System.Text.Json.JsonSerializer.Deserialize<RecurringSpec>(json, Json);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new JobValidationException("--recurring", $"is not valid JSON: {e.Message}", e);
        }
        if (spec?.Cron is null || spec.Kind is null)
            throw new JobValidationException("--recurring", "needs name, cron, kind and payload.", null);
        return new RecurringJob(spec.Name ?? "", spec.Cron, spec.Kind, spec.Payload?.GetRawText() ?? "{}",
            new JobOptions { Queue = spec.Queue });
    }
}
