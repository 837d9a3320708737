namespace Switchyard.Server;

/// <summary>How `yard serve` (or the Switchyard.Server host) runs.</summary>
internal sealed class ServerOptions
{
    /// <summary>The store: a SQLite file path, or a postgres:// URL or Npgsql connection string. Default <c>./switchyard.db</c>.</summary>
    public string Db { get; init; } = "switchyard.db";

    /// <summary>Where to listen, <c>;</c>-separated. Default <c>http://127.0.0.1:5080</c> (loopback only); port 0 picks a free port.</summary>
    public string Urls { get; init; } = "http://127.0.0.1:5080";

    /// <summary>A bearer token every API call must carry; required to bind a non-loopback address. Default none.</summary>
    public string? Token { get; init; }

    /// <summary>Executables <c>shell</c> jobs may run; empty leaves the <c>shell</c> kind unregistered (off). Default empty.</summary>
    public IReadOnlyList<string> ShellAllow { get; init; } = [];

    /// <summary>The hosted worker's concurrency (jobs at once per queue); 0 runs no hosted worker. Default 16.</summary>
    public int Workers { get; init; } = 16;

    /// <summary>The queues the hosted worker takes jobs from; empty means every queue. Default empty.</summary>
    public IReadOnlyList<string> Queues { get; init; } = [];

    /// <summary>The hosted worker's lease: a crashed server's jobs come back after this; running jobs see a cancel within a third of it. Default 30 s.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest request body accepted; larger gets 413. Default 1 MiB.</summary>
    public long MaxRequestBytes { get; init; } = 1024 * 1024;

    /// <summary>How often the event stream looks for changes other processes wrote. Default 250 ms.</summary>
    public TimeSpan EventPollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long the event stream may stay silent before it writes a <c>: keep-alive</c> comment. Default 15 s.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);
}
