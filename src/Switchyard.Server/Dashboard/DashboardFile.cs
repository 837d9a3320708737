using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace Switchyard.Server.Dashboard;

/// <summary>One file the dashboard serves: its route, type, bytes and an ETag from a hash of the bytes.</summary>
internal sealed record DashboardFile(string Route, string ContentType, ReadOnlyMemory<byte> Content, EntityTagHeaderValue ETag)
{
    public static DashboardFile Create(string route, string contentType, byte[] content) =>
        new(route, contentType, content, new EntityTagHeaderValue("\"" + Convert.ToHexStringLower(SHA256.HashData(content))[..16] + "\""));
}
