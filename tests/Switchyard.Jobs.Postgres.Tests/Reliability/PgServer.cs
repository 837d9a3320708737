using System.Net;
using System.Net.Sockets;
using Switchyard.Testing;

namespace Switchyard.Jobs.Postgres.Tests.Reliability;

/// <summary>
/// A PostgreSQL server of one test's own, started, restarted and stopped through tests/pg-server.sh (argv, no shell), on a
/// free port and in its own folder, so restarting it disturbs no other test.
/// </summary>
internal sealed class PgServer : IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment;

    private PgServer(Dictionary<string, string> environment, string connectionString)
    {
        _environment = environment;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public static async Task<PgServer> StartAsync()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var environment = new Dictionary<string, string>
        {
            ["SWITCHYARD_PG_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SWITCHYARD_PG_ROOT"] = Path.Combine(Path.GetTempPath(), "switchyard-pg-test-" + Guid.NewGuid().ToString("N")[..12]),
        };
        var output = await RunAsync(environment, "start");
        return new PgServer(environment, output.Trim().Split('\n')[^1]);
    }

    public Task RestartAsync() => RunAsync(_environment, "restart");

    public async ValueTask DisposeAsync() => await RunAsync(_environment, "stop");

    private static Task<string> RunAsync(Dictionary<string, string> environment, string verb) =>
        ServerScripts.RunAsync("pg-server.sh", verb, environment);
}
