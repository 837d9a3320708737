using System.CommandLine;
using static Switchyard.Cli.Commands.JobsCommandSupport;

namespace Switchyard.Cli.Commands;

/// <summary><c>yard retry ID</c>: make a dead, cancelled, succeeded or retrying job available now.</summary>
internal static class RetryCommand
{
    internal static Command Create() => ForOneJob("retry", "Run a finished or retrying job again now.",
        async (store, id, ct) => Describe(await store.RetryAsync(id, ct), id));
}
