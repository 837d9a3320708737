using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchyard.Server.Api;

/// <summary>
/// Writes a <see cref="JsonElement"/> (a job's payload or result) value by value, so its strings pass through the
/// writer's encoder: <c>&lt;</c>, <c>&gt;</c> and <c>&amp;</c> come out as <c>\u003C</c>... System.Text.Json otherwise
/// copies an element's text as it was parsed, and a payload's <c>&lt;script&gt;</c> would reach a page unescaped.
/// </summary>
internal sealed class EscapingJsonElementConverter : JsonConverter<JsonElement>
{
    public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonElement.ParseValue(ref reader);

    public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value, options);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray()) Write(writer, item, options);
                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(value.GetString());
                break;
            case JsonValueKind.Undefined:
                writer.WriteNullValue();
                break;
            default:
                value.WriteTo(writer); // numbers, true, false, null: nothing to escape
                break;
        }
    }
}
