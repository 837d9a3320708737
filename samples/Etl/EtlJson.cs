using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchyard.Samples.Etl;

/// <summary>The input's JSON shape (snake_case), compiled ahead of time.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(OrderLine))]
internal sealed partial class EtlJson : JsonSerializerContext;
