using System.Diagnostics;

namespace Switchyard.Samples.Tests.MessageConsumer;

/// <summary>
/// The RabbitMQ node test.sh starts (tests/rabbitmq-server.sh): its URI from SWITCHYARD_TEST_RABBITMQ, and a restart
/// through the same script (argv, no shell), on the port that URI names.
/// </summary>
internal static class Broker
{
    public static Uri Uri =>
        Environment.GetEnvironmentVariable("SWITCHYARD_TEST_RABBITMQ") is { Length: > 0 } uri
            ? new Uri(uri)
            : throw new InvalidOperationException(
                "SWITCHYARD_TEST_RABBITMQ is not set. Start a broker with `tests/rabbitmq-server.sh start` and export the URI it " +
                "prints (test.sh does both), e.g. SWITCHYARD_TEST_RABBITMQ=amqp://guest:guest@127.0.0.1:55672/.");

    /// <summary>Stops the node and starts it again on the same data; returns once it accepts connections.</summary>
    public static async Task RestartAsync()
    {
        var start = new ProcessStartInfo(Script) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("restart");
        start.Environment["SWITCHYARD_RABBIT_PORT"] = Uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"rabbitmq-server.sh restart failed ({process.ExitCode}): {await stdout}{await stderr}");
    }

    /// <summary>tests/rabbitmq-server.sh, found by walking up from the test's output folder to the repository.</summary>
    private static string Script
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "rabbitmq-server.sh");
                if (File.Exists(candidate)) return candidate;
            }
            throw new FileNotFoundException("tests/rabbitmq-server.sh was not found above " + AppContext.BaseDirectory);
        }
    }
}
