using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Switchyard.Processes.Protocol;

/// <summary>The JSON settings both ends use for arguments, results and messages.</summary>
internal static class WireJson
{
    /// <summary>Fields included, so value tuples (the arguments of a <c>starmap</c>) travel with their items.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General) { IncludeFields = true };

    /// <summary>The contract for <typeparamref name="T"/>, resolved once: reading and writing tiny items is the hot path.</summary>
    public static class Info<T>
    {
        public static readonly JsonTypeInfo<T> Type = (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));
    }

    /// <summary>The command-line option that carries the socket path to the worker.</summary>
    public const string SocketArgument = "--switchyard-socket";
}
