using System.Text.Json;
using Switchyard.Jobs;

namespace Switchyard.Bench;

/// <summary>
/// The trivial job of the queue benchmarks, for worker processes started by a suite:
/// <c>yard worker --handlers-assembly Switchyard.Bench.dll</c> loads it. It does nothing and returns nothing.
/// </summary>
public sealed class BenchNoopHandler : JobHandler<JsonElement>
{
    /// <summary>The kind: <c>bench.noop</c>.</summary>
    public const string KindName = "bench.noop";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override ValueTask<object?> RunAsync(JsonElement payload, JobContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<object?>(null);
}
