using System.CommandLine;

namespace Switchyard.Cli;

/// <summary>
/// The <c>yard</c> command tree. Each command lives in <c>Commands/</c> as a static <c>Create()</c>
/// and writes through the invocation's writers, so tests run it in-process with captured output.
/// </summary>
internal static class YardCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand(
            "Switchyard runs large amounts of work with the concurrency model each piece needs: " +
            "async for I/O, threads for CPU, processes for isolation, a durable queue for work that must not be lost.");
        // One line per command; keep them in the order `yard --help` should show them.
        root.Subcommands.Add(Commands.BenchCommand.Create());
        root.Subcommands.Add(Commands.ProfileCommand.Create());
        root.Subcommands.Add(Commands.RunCommand.Create());
        root.Subcommands.Add(Commands.SubmitCommand.Create());
        root.Subcommands.Add(Commands.StatusCommand.Create());
        root.Subcommands.Add(Commands.JobsCommand.Create());
        root.Subcommands.Add(Commands.WorkerCommand.Create());
        root.Subcommands.Add(Commands.ServeCommand.Create());
        root.Subcommands.Add(Commands.CancelCommand.Create());
        root.Subcommands.Add(Commands.RetryCommand.Create());
        root.Subcommands.Add(Commands.LabCommand.Create());
        return root;
    }

    /// <summary>How long a command may take to stop after Ctrl+C or SIGTERM.</summary>
    internal static readonly TimeSpan TerminationTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null,
        CancellationToken cancellationToken = default)
    {
        var configuration = new InvocationConfiguration
        {
            Output = output ?? Console.Out,
            Error = error ?? Console.Error,
            // Ctrl+C / SIGTERM cancel the command's token; this is how long a command then has to finish before the
            // process is ended. System.CommandLine's 2 s would cut `yard worker`'s graceful stop (grace up to 50 s) short.
            ProcessTerminationTimeout = TerminationTimeout,
        };
        return Build().Parse(args).InvokeAsync(configuration, cancellationToken);
    }
}
