using System.CommandLine;
using Switchyard.Jobs.Store;
using static Switchyard.Cli.Commands.JobsCommandSupport;

namespace Switchyard.Cli.Commands;

/// <summary><c>yard cancel ID</c>: cancel a queued job at once, or ask the worker running it to stop.</summary>
internal static class CancelCommand
{
    internal static Command Create()
    {
        var id = IdArgument();
        var db = DbOption();
        var json = JsonOption();
        var command = new Command("cancel", "Cancel a job (a running job's handler is told to stop).") { id, db, json };
        command.SetAction((parse, ct) => Guard(parse, async output =>
        {
            await using var store = OpenStore(parse.GetValue(db)!);
            var outcome = await store.CancelAsync(parse.GetValue(id), ct);
            var text = outcome switch
            {
                CancelOutcome.Cancelled => "cancelled",
                CancelOutcome.Requested => "cancel requested (the job is running; its worker stops it at its next heartbeat)",
                CancelOutcome.AlreadyFinished => "already finished; nothing changed",
                _ => $"no job {parse.GetValue(id)}",
            };
            await output.WriteLineAsync(parse.GetValue(json)
                ? $"{{\"id\":{parse.GetValue(id)},\"outcome\":\"{System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(outcome.ToString())}\"}}"
                : $"{parse.GetValue(id)}\t{text}");
            return outcome is CancelOutcome.NotFound ? 1 : 0;
        }));
        return command;
    }
}
