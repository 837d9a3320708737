using System.Runtime.CompilerServices;
using System.Text.Json;
using Switchyard.Jobs;

namespace Switchyard.Server.BrowserTests;

/// <summary>`test.echo`: succeeds at once with its payload as the result.</summary>
internal sealed class EchoHandler : JobHandler<JsonElement>
{
    public const string KindName = "test.echo";
    public override string Kind => KindName;

    public override ValueTask<object?> RunAsync(JsonElement payload, JobContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<object?>(new { echo = payload });
}

/// <summary>`test.hold`: reports 50 % progress, then runs until it is cancelled; so a test can watch a running job and cancel it.</summary>
internal sealed class HoldHandler : JobHandler<JsonElement>
{
    public const string KindName = "test.hold";
    public override string Kind => KindName;

    public override async ValueTask<object?> RunAsync(JsonElement payload, JobContext context, CancellationToken cancellationToken)
    {
        await context.ReportProgressAsync(50, "holding until cancelled", cancellationToken);
        // Waits on the cancellation signal only: the job ends when the test cancels it (or the server stops).
        await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        return null;
    }
}

/// <summary>`test.fail`: fails on its only attempt with an error whose message is the payload's `message`.</summary>
internal sealed class FailHandler : JobHandler<FailHandler.Payload>
{
    public const string KindName = "test.fail";
    public override string Kind => KindName;
    public override int? MaxAttempts => 1;

    public override ValueTask<object?> RunAsync(Payload payload, JobContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Explode(payload.Message));

    // Not inlined, so the stored stack trace names a frame of its own.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static object? Explode(string message) => throw new InvalidOperationException(message);

    internal sealed record Payload(string Message);
}
