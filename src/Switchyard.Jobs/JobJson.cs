using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchyard.Jobs;

/// <summary>The JSON settings of payloads and results: web defaults, enums as camelCase text.</summary>
internal static class JobJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string? Serialize(object? value) => value is null ? null : JsonSerializer.Serialize(value, value.GetType(), Options);
}
