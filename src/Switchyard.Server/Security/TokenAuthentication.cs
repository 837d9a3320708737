using System.Security.Cryptography;
using System.Text;

namespace Switchyard.Server.Security;

/// <summary>
/// With a token configured, every <c>/api</c> and <c>/metrics</c> request needs <c>Authorization: Bearer TOKEN</c>
/// (the event stream may send <c>?token=</c>, since EventSource cannot set headers); otherwise 401.
/// A single shared secret needs no identity system, so this is a small middleware rather than ASP.NET authentication.
/// </summary>
internal sealed class TokenAuthentication(RequestDelegate next, ServerOptions options)
{
    private readonly byte[]? _expected = options.Token is { Length: > 0 } token ? Hash(token) : null;

    public Task InvokeAsync(HttpContext context)
    {
        if (_expected is null || !Protected(context.Request.Path) || Presented(context.Request) is { } given && Matches(given))
            return next(context);
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
            detail: "This server needs a token: send 'Authorization: Bearer <token>'.").ExecuteAsync(context);
    }

    private static bool Protected(PathString path) =>
        path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase);

    private static string? Presented(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return header["Bearer ".Length..].Trim();
        return request.Path.StartsWithSegments("/api/events", StringComparison.OrdinalIgnoreCase) ? request.Query["token"].ToString() : null;
    }

    // Hashing first makes the compare constant-time in the length too.
    private bool Matches(string given) => CryptographicOperations.FixedTimeEquals(Hash(given), _expected);

    private static byte[] Hash(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));
}
