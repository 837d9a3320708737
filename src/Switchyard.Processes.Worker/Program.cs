using Switchyard.Processes.Protocol;
using Switchyard.Processes.Worker;

// The generic worker host: `dotnet switchyard-worker.dll --switchyard-socket PATH`. It connects back to the
// pool over that Unix domain socket and runs what arrives; stdout and stderr stay free for the work itself.
var at = Array.IndexOf(args, WireJson.SocketArgument);
if (at < 0 || at + 1 >= args.Length)
{
    await Console.Error.WriteLineAsync($"switchyard-worker: expected {WireJson.SocketArgument} PATH; it is started by Switchyard's Process lane, not by hand.");
    return 2;
}
return await WorkerLoop.RunAsync(args[at + 1]);
