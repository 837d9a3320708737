using System.Diagnostics;

namespace Switchyard.Jobs.Handlers.Shell;

/// <summary>
/// The built-in <c>shell</c> handler: runs an argv array directly (<see cref="ProcessStartInfo.ArgumentList"/>, never
/// through /bin/sh, so nothing in an argument is interpreted), only for allow-listed executables, with a working
/// directory, environment and timeout (which kills the whole process tree), and keeps bounded stdout and stderr.
/// A non-zero exit fails the attempt.
/// </summary>
public sealed class ShellHandler : JobHandler<ShellPayload>
{
    private readonly ShellHandlerOptions _options;

    /// <summary>Creates the handler; with no allow-list it refuses every job.</summary>
    public ShellHandler(ShellHandlerOptions? options = null)
    {
        _options = options ?? new ShellHandlerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxOutputBytes, 0, "ShellHandlerOptions.MaxOutputBytes");
    }

    /// <summary>The kind: <c>shell</c>.</summary>
    public const string KindName = "shell";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    protected override void Validate(ShellPayload payload)
    {
        if (payload.Argv is not { Count: > 0 } || string.IsNullOrWhiteSpace(payload.Argv[0]))
            throw new JobValidationException("argv", "must be a non-empty array whose first item names the executable.", null);
        if (payload.Argv.Any(a => a is null))
            throw new JobValidationException("argv", "must not contain null.", null);
        if (payload.TimeoutSeconds is { } t && !(t > 0))
            throw new JobValidationException("timeoutSeconds", $"must be greater than 0 (got {t}).", null);
    }

    /// <inheritdoc />
    public override async ValueTask<object?> RunAsync(ShellPayload payload, JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var executable = Resolve(payload.Argv[0], payload.WorkingDirectory);
        var start = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = payload.WorkingDirectory ?? "",
        };
        foreach (var argument in payload.Argv.Skip(1))
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in payload.Environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;

        var timeout = payload.TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : _options.DefaultTimeout;
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{executable}'.");
        process.StandardInput.Close();
        var stdout = new BoundedCapture(_options.MaxOutputBytes);
        var stderr = new BoundedCapture(_options.MaxOutputBytes);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await Task.WhenAll(
                stdout.ReadAsync(process.StandardOutput.BaseStream, deadline.Token),
                stderr.ReadAsync(process.StandardError.BaseStream, deadline.Token),
                process.WaitForExitAsync(deadline.Token)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited just as the deadline fell.
            }
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"The command '{payload.Argv[0]}' ran longer than its {timeout.TotalSeconds:0.###} s timeout; its process tree was killed.");
        }
        if (process.ExitCode != 0)
        {
            var tail = stderr.Text.Length > 2000 ? stderr.Text[^2000..] : stderr.Text;
            throw new ShellCommandException(process.ExitCode, tail.Trim());
        }
        return new ShellResult(process.ExitCode, stdout.Text, stderr.Text, stdout.TotalBytes, stderr.TotalBytes,
            stopwatch.Elapsed.TotalMilliseconds);
    }

    /// <summary>Applies the allow-list and returns the absolute path to run.</summary>
    private string Resolve(string command, string? workingDirectory)
    {
        if (_options.AllowedExecutables.Count == 0)
            throw new PermanentJobException("The shell handler is off: no executables are allow-listed (yard worker --shell-allow).");
        string? path;
        bool allowed;
        if (command.Contains('/', StringComparison.Ordinal))
        {
            path = Path.GetFullPath(command, workingDirectory ?? Environment.CurrentDirectory);
            allowed = _options.AllowedExecutables.Any(a => Path.IsPathRooted(a) && string.Equals(Path.GetFullPath(a), path, StringComparison.Ordinal));
        }
        else
        {
            allowed = _options.AllowedExecutables.Contains(command, StringComparer.Ordinal);
            path = allowed ? FindInPath(command) : null;
        }
        if (!allowed)
            throw new PermanentJobException($"The executable '{command}' is not allow-listed for shell jobs.");
        if (path is null || !File.Exists(path))
            throw new PermanentJobException($"The executable '{command}' was not found{(path is null ? " in PATH" : $" at {path}")}.");
        return path;
    }

    private static string? FindInPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
