using System.CommandLine;
using static Switchyard.Cli.Commands.JobsCommandSupport;

namespace Switchyard.Cli.Commands;

/// <summary><c>yard status ID</c>: one job's state, attempts, times, progress, result and last error.</summary>
internal static class StatusCommand
{
    internal static Command Create()
    {
        var id = IdArgument();
        var db = DbOption();
        var json = JsonOption();
        var command = new Command("status", "Show one job.") { id, db, json };
        command.SetAction((parse, ct) => Guard(parse, async output =>
        {
            await using var store = await OpenStoreAsync(parse.GetValue(db)!, null, ct);
            var job = await store.GetAsync(parse.GetValue(id), ct);
            if (job is null)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"yard: no job {parse.GetValue(id)}.");
                return 1;
            }
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(ToJson(job, indented: true));
                return 0;
            }
            await output.WriteLineAsync($"job       {job.Id}");
            await output.WriteLineAsync($"kind      {job.Kind}");
            await output.WriteLineAsync($"queue     {job.Queue} (priority {job.Priority})");
            await output.WriteLineAsync($"state     {State(job.State)}{(job.CancelRequested ? " (cancel requested)" : "")}");
            await output.WriteLineAsync($"attempt   {job.Attempt} of {job.MaxAttempts}");
            await output.WriteLineAsync($"created   {job.CreatedAt:O}");
            await output.WriteLineAsync($"run at    {job.RunAt:O}");
            if (job.StartedAt is { } s) await output.WriteLineAsync($"started   {s:O}");
            if (job.FinishedAt is { } f) await output.WriteLineAsync($"finished  {f:O}");
            if (job.LeaseOwner is { } owner) await output.WriteLineAsync($"lease     {owner} until {job.LeaseExpiresAt:O}");
            if (job.IdempotencyKey is { } key) await output.WriteLineAsync($"key       {key}");
            if (job.ProgressPercent is not null || job.ProgressMessage is not null)
                await output.WriteLineAsync($"progress  {job.ProgressPercent:0.#}% {job.ProgressMessage}");
            await output.WriteLineAsync($"payload   {job.Payload}");
            if (job.Result is { } result) await output.WriteLineAsync($"result    {result}");
            if (job.LastError is { } error) await output.WriteLineAsync($"error     {error.Type}: {error.Message}");
            return 0;
        }));
        return command;
    }
}
