using System.CommandLine;
using Switchyard.Jobs.Store;
using static Switchyard.Cli.Commands.JobsCommandSupport;

namespace Switchyard.Cli.Commands;

/// <summary><c>yard retry ID</c>: make a dead, cancelled, succeeded or retrying job available now.</summary>
internal static class RetryCommand
{
    internal static Command Create()
    {
        var id = IdArgument();
        var db = DbOption();
        var json = JsonOption();
        var command = new Command("retry", "Run a finished or retrying job again now.") { id, db, json };
        command.SetAction((parse, ct) => Guard(parse, async output =>
        {
            await using var store = OpenStore(parse.GetValue(db)!);
            var outcome = await store.RetryAsync(parse.GetValue(id), ct);
            var text = outcome switch
            {
                RetryOutcome.Retried => "available again",
                RetryOutcome.Running => "running now; not retried",
                _ => $"no job {parse.GetValue(id)}",
            };
            await output.WriteLineAsync(parse.GetValue(json)
                ? $"{{\"id\":{parse.GetValue(id)},\"outcome\":\"{System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(outcome.ToString())}\"}}"
                : $"{parse.GetValue(id)}\t{text}");
            return outcome is RetryOutcome.Retried ? 0 : 1;
        }));
        return command;
    }
}
