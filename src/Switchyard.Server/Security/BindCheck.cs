using System.Net;
using Switchyard.Jobs;

namespace Switchyard.Server.Security;

/// <summary>Refuses to listen beyond this machine without a token: an open job API runs whatever its handlers allow.</summary>
internal static class BindCheck
{
    /// <exception cref="JobValidationException">A URL is malformed, or not loopback while no token is set (field <c>--urls</c>).</exception>
    public static void Check(ServerOptions options)
    {
        var urls = options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (urls.Length == 0)
            throw new JobValidationException("--urls", "must name at least one URL, such as http://127.0.0.1:5080.", null);
        foreach (var url in urls)
        {
            var host = HostOf(url);
            if (!IsLoopback(host) && string.IsNullOrEmpty(options.Token))
                throw new JobValidationException("--urls",
                    $"'{url}' is not a loopback address; binding it needs a token (--token or SWITCHYARD_TOKEN).", null);
        }
    }

    // Kestrel accepts wildcard hosts (*, +) that Uri rejects; they mean every interface, so they are not loopback.
    private static string HostOf(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0 || !(url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
            throw new JobValidationException("--urls", $"'{url}' must start with http:// or https://.", null);
        var rest = url[(schemeEnd + 3)..];
        var end = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = end < 0 ? rest : rest[..end];
        if (authority.StartsWith('['))
            return authority[..(authority.IndexOf(']', StringComparison.Ordinal) + 1)];
        var colon = authority.LastIndexOf(':');
        return colon < 0 ? authority : authority[..colon];
    }

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
