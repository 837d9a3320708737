using Switchyard.Testing;

namespace Switchyard.Tests.Scopes;

public class ScopeTests
{
    private static async Task<int> WaitForCancel(Action onCancelled, CancellationToken ct)
    {
        try { await Task.Delay(Timeout.Infinite, ct); }
        catch (OperationCanceledException) { onCancelled(); throw; }
        return 0;
    }

    [Fact]
    public async Task The_end_of_the_scope_awaits_every_child_on_every_lane()
    {
        await using var io = Lane.Io();
        await using var cpu = Lane.Cpu();
        await using var loop = Lane.Loop();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finished = 0;
        var scope = Scope.Open();
        _ = scope.Start(io, async _ => { await gate.Task; Interlocked.Increment(ref finished); });
        _ = scope.Start(cpu, _ => { gate.Task.Wait(); return Interlocked.Increment(ref finished); });
        _ = scope.Start(loop, async _ => { await gate.Task; Interlocked.Increment(ref finished); });

        var closing = scope.DisposeAsync().AsTask();
        Assert.False(closing.IsCompleted);
        Assert.Equal(3, scope.Running);
        gate.SetResult();
        await closing.Within();
        Assert.Equal(3, finished);
        Assert.Equal(0, scope.Running);
    }

    [Fact]
    public async Task The_first_failure_cancels_the_siblings_and_comes_back_alone()
    {
        await using var io = Lane.Io();
        var cancelled = 0;
        var error = await Assert.ThrowsAsync<AggregateException>(() => Scope.RunAsync(scope =>
        {
            for (var i = 0; i < 5; i++)
                _ = scope.Start(io, ct => new ValueTask<int>(WaitForCancel(() => Interlocked.Increment(ref cancelled), ct)));
            _ = scope.Start(io, async _ => { await Task.Yield(); throw new InvalidOperationException("boom"); });
            return Task.CompletedTask;
        })).Within();

        var only = Assert.Single(error.InnerExceptions);
        Assert.Equal("boom", only.Message);
        Assert.Equal(5, cancelled);
    }

    [Fact]
    public async Task Collect_all_lets_siblings_finish_and_reports_every_failure()
    {
        await using var cpu = Lane.Cpu();
        var completed = 0;
        var error = await Assert.ThrowsAsync<AggregateException>(() => Scope.RunAsync(scope =>
        {
            _ = scope.Start(cpu, new Func<CancellationToken, int>(_ => throw new FormatException("one")));
            _ = scope.Start(cpu, new Func<CancellationToken, int>(_ => throw new ArgumentException("two")));
            for (var i = 0; i < 4; i++)
                _ = scope.Start(cpu, ct => { Assert.False(ct.IsCancellationRequested); return Interlocked.Increment(ref completed); });
            return Task.CompletedTask;
        }, new ScopeOptions { OnFailure = ScopeFailureMode.CollectAll })).Within();

        Assert.Equal(["one", "two"], error.InnerExceptions.Select(e => e.Message).Order());
        Assert.Equal(4, completed);
    }

    [Fact]
    public async Task Cancelling_the_parent_cancels_every_child()
    {
        await using var io = Lane.Io();
        using var parent = new CancellationTokenSource();
        var cancelled = 0;
        var run = Scope.RunAsync(async scope =>
        {
            for (var i = 0; i < 3; i++)
                _ = scope.Start(io, ct => new ValueTask<int>(WaitForCancel(() => Interlocked.Increment(ref cancelled), ct)));
            await Task.Yield();
        }, cancellationToken: parent.Token);

        await Signal.Until(() => io.Statistics().InFlight == 3);
        parent.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run).Within();
        Assert.Equal(3, cancelled);
    }

    [Fact]
    public async Task A_failing_body_cancels_the_children_and_is_reported()
    {
        await using var io = Lane.Io();
        var cancelled = false;
        var error = await Assert.ThrowsAsync<AggregateException>(() => Scope.RunAsync(async scope =>
        {
            _ = scope.Start(io, ct => new ValueTask<int>(WaitForCancel(() => cancelled = true, ct)));
            await Task.Yield();
            throw new TimeoutException("body gave up");
        })).Within();
        Assert.Equal("body gave up", Assert.Single(error.InnerExceptions).Message);
        Assert.True(cancelled);
    }

    [Fact]
    public async Task Children_may_start_children_until_the_scope_has_ended_and_not_after()
    {
        await using var io = Lane.Io();
        var grandchildRan = false;
        var scope = Scope.Open();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = scope.Start(io, async ct =>
        {
            await gate.Task;
            _ = scope.Start(io, async _ => { await Task.Yield(); grandchildRan = true; });
        });
        var closing = scope.DisposeAsync().AsTask();
        gate.SetResult();
        await closing.Within();

        Assert.True(grandchildRan); // started while the scope was closing, and awaited by it
        Assert.Throws<InvalidOperationException>(() => { _ = scope.Start(io, _ => 1); });
    }

    [Fact]
    public async Task A_child_cancelled_by_its_own_timeout_is_a_failure_not_silence()
    {
        await using var io = Lane.Io();
        var error = await Assert.ThrowsAsync<AggregateException>(() => Scope.RunAsync(scope =>
        {
            _ = scope.Start(io, async _ =>
            {
                using var own = new CancellationTokenSource();
                own.Cancel();
                await Task.Delay(Timeout.Infinite, own.Token);
            });
            return Task.CompletedTask;
        })).Within();
        Assert.IsAssignableFrom<OperationCanceledException>(Assert.Single(error.InnerExceptions));
    }

    [Fact]
    public async Task RunAsync_returns_the_bodys_result()
    {
        await using var io = Lane.Io();
        var (a, b) = await Scope.RunAsync(async scope =>
        {
            var x = scope.Start(io, async _ => { await Task.Yield(); return 20; });
            var y = scope.Start(io, _ => 22);
            return (await x, await y);
        }).Within();
        Assert.Equal(42, a + b);
    }
}
