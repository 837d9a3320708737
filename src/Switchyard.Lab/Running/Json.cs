using System.Text.Json;

namespace Switchyard.Lab;

/// <summary>Reading numbers out of what a Python peer printed.</summary>
internal static class Json
{
    public static double Number(this JsonElement element, params string[] path)
    {
        foreach (var name in path) element = element.GetProperty(name);
        return element.GetDouble();
    }
}
