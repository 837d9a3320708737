namespace Switchyard.Server;

/// <summary>How `yard serve` (or the Switchyard.Server host) runs.</summary>
internal sealed class ServerOptions
{
    /// <summary>The store: a SQLite file path, or a postgres:// URL. Default <c>./switchyard.db</c>.</summary>
    public string Db { get; init; } = "switchyard.db";

    /// <summary>Where to listen. Default <c>http://127.0.0.1:5080</c> (loopback only).</summary>
    public string Urls { get; init; } = "http://127.0.0.1:5080";

    /// <summary>A bearer token every API call must carry; required to bind a non-loopback address. Default none.</summary>
    public string? Token { get; init; }
}
