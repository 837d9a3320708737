using System.Globalization;
using Switchyard.Testing;

namespace Switchyard.Samples.Tests.MessageConsumer;

/// <summary>
/// The RabbitMQ node test.sh starts (tests/rabbitmq-server.sh): its URI from SWITCHYARD_TEST_RABBITMQ, and a restart
/// through the same script, on the port that URI names.
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
    public static Task RestartAsync() => ServerScripts.RunAsync("rabbitmq-server.sh", "restart",
        new Dictionary<string, string> { ["SWITCHYARD_RABBIT_PORT"] = Uri.Port.ToString(CultureInfo.InvariantCulture) });
}
