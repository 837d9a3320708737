using System.Threading.Channels;

namespace Switchyard;

/// <summary>The bounded channel between two stages: a full channel makes its writers wait (backpressure).</summary>
internal static class PipelineChannel
{
    public static Channel<T> Create<T>(int capacity) => Channel.CreateBounded<T>(
        new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait });
}
