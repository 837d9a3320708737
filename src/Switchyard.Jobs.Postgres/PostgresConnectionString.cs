using System.Text.RegularExpressions;
using Npgsql;

namespace Switchyard.Jobs.Postgres;

/// <summary>
/// Reads where a PostgreSQL store lives: a <c>postgres://</c> (or <c>postgresql://</c>) URL, or an Npgsql connection string.
/// Npgsql reads only the latter, so the URL form is translated here (no package here does it).
/// </summary>
internal static partial class PostgresConnectionString
{
    /// <summary>
    /// Whether <paramref name="text"/> names a PostgreSQL database rather than a file: a postgres URL, or a connection
    /// string with a <c>Host=</c> or <c>Server=</c> key.
    /// </summary>
    public static bool IsPostgres(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return IsUrl(text) || HostKey().IsMatch(text);
    }

    /// <summary>An Npgsql connection string for <paramref name="text"/> (a URL or a connection string).</summary>
    /// <exception cref="ArgumentException">The text is neither a valid URL nor a valid connection string; the message says which part.</exception>
    public static string ToNpgsql(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!IsUrl(text))
        {
            try
            {
                return new NpgsqlConnectionStringBuilder(text).ConnectionString;
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"the connection string is not valid: {e.Message}", nameof(text), e);
            }
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            throw new ArgumentException("the postgres URL must look like postgres://user:password@host:port/database.", nameof(text));
        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host };
        if (!uri.IsDefaultPort && uri.Port > 0) builder.Port = uri.Port;
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0) builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0) builder.Database = database;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new ArgumentException($"the URL parameter '{pair}' must be key=value.", nameof(text));
            try
            {
                builder[Uri.UnescapeDataString(pair[..eq])] = Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"the URL parameter '{pair}' is not an Npgsql setting: {e.Message}", nameof(text), e);
            }
        }
        return builder.ConnectionString;
    }

    private static bool IsUrl(string text) =>
        text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"(^|;)\s*(host|server)\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex HostKey();
}
