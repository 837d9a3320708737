using System.CommandLine;
using static Switchyard.Cli.Commands.JobsCommandSupport;

namespace Switchyard.Cli.Commands;

/// <summary><c>yard cancel ID</c>: cancel a queued job at once, or ask the worker running it to stop.</summary>
internal static class CancelCommand
{
    internal static Command Create() => ForOneJob("cancel", "Cancel a job (a running job's handler is told to stop).",
        async (store, id, ct) => Describe(await store.CancelAsync(id, ct), id));
}
