using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Jobs;
using Switchyard.Server;
using Switchyard.Server.Hosting;
using static Switchyard.Cli.Commands.JobsCommandSupport;

namespace Switchyard.Cli.Commands;

/// <summary>
/// <c>yard serve</c>: the HTTP API, a hosted worker and the dashboard, until Ctrl+C or SIGTERM (which stop it gracefully).
/// Loopback only unless a token is set.
/// </summary>
internal static class ServeCommand
{
    public const string TokenVariable = "SWITCHYARD_TOKEN";

    internal static Command Create()
    {
        var defaults = new ServerOptions();
        var urls = new Option<string>("--urls")
        {
            Description = "Where to listen (';'-separated; port 0 picks a free one). A non-loopback address needs a token.",
            DefaultValueFactory = _ => defaults.Urls,
        };
        var token = new Option<string?>("--token") { Description = $"Every API call must send 'Authorization: Bearer TOKEN' (default: ${TokenVariable})." };
        var shellAllow = new Option<string[]>("--shell-allow")
        {
            Description = "Executables shell jobs may run (names found in PATH, or absolute paths); repeatable or comma-separated. Without it the shell kind is off.",
        };
        var workers = new Option<int>("--workers")
        {
            Description = "The hosted worker's concurrency (jobs at once per queue); 0 serves the API without running jobs.",
            DefaultValueFactory = _ => defaults.Workers,
        };
        var queues = new Option<string?>("--queues") { Description = "Comma-separated queues the hosted worker runs (default: every queue)." };
        var db = DbOption();
        var command = new Command("serve", "Serve the HTTP API, the dashboard and /metrics, with a hosted worker.")
        {
            db, urls, token, shellAllow, workers, queues,
        };
        command.SetAction((parse, ct) => Guard(parse, async output =>
        {
            var concurrency = parse.GetValue(workers);
            if (concurrency < 0) throw new JobValidationException("--workers", $"must be 0 or more (got {concurrency}).", null);
            var options = new ServerOptions
            {
                Db = parse.GetValue(db)!,
                Urls = parse.GetValue(urls)!,
                Token = parse.GetValue(token) is { Length: > 0 } t ? t : Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } e ? e : null,
                ShellAllow = (parse.GetValue(shellAllow) ?? []).SelectMany(Split).ToList(),
                Workers = concurrency,
                Queues = Split(parse.GetValue(queues)),
            };
            await using var app = SwitchyardServer.Build(options);
            await app.StartAsync(ct);
            var queue = app.Services.GetRequiredService<QueueHost>();
            await output.WriteLineAsync($"yard serve: listening on {string.Join(" ", app.Urls)}");
            await output.WriteLineAsync($"db {queue.Description}; " +
                (concurrency == 0 ? "no hosted worker" : $"hosted worker: concurrency {concurrency}, queues {(options.Queues.Count == 0 ? "all" : string.Join(",", options.Queues))}") +
                $"; kinds {string.Join(",", queue.Handlers.Kinds.Order(StringComparer.Ordinal))}; token {(options.Token is null ? "none" : "required")}");
            await output.FlushAsync(CancellationToken.None);

            // Ctrl+C and SIGTERM reach both System.CommandLine (ct) and the web host's own lifetime; either stops the server.
            var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (ct.Register(() => stopping.TrySetResult()))
            using (app.Lifetime.ApplicationStopping.Register(() => stopping.TrySetResult()))
                await stopping.Task;
            await app.StopAsync(CancellationToken.None);
            await output.WriteLineAsync("yard serve: stopped");
            return 0;
        }));
        return command;
    }
}
