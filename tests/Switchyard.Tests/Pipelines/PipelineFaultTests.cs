using Switchyard.Testing;

namespace Switchyard.Tests.Pipelines;

public class PipelineFaultTests
{
    [Fact]
    public async Task The_first_fault_names_its_stage_cancels_the_others_and_stops_the_source()
    {
        await using var io = Lane.Io();
        await using var cpu = Lane.Cpu(new CpuLaneOptions { Workers = 2 });
        await using var loop = Lane.Loop();
        var boom = new InvalidOperationException("boom");
        var cStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int bSeen = 0, cBodies = 0, cCancelled = 0;
        long consumed = 0;
        var source = new CountingSource();

        var run = Pipeline.From(source)
            .Then(io, x => x, new StageOptions { Name = "a", Concurrency = 2 })
            .Then(cpu, async (x, ct) =>
            {
                // b has one worker; a has two, so items may reach b in any order: count, do not match values.
                if (++bSeen == 4)
                {
                    await cStarted.Task.WaitAsync(ct);
                    throw boom;
                }
                return x;
            }, new StageOptions { Name = "b" })
            .Then(loop, async (x, ct) =>
            {
                Interlocked.Increment(ref cBodies);
                cStarted.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref cCancelled);
                    throw;
                }
                return x;
            }, new StageOptions { Name = "c", Concurrency = 2 })
            .Start((x, ct) => { Interlocked.Increment(ref consumed); return ValueTask.CompletedTask; });

        var error = await Assert.ThrowsAsync<PipelineStageException>(() => run.Completion.Within());
        Assert.Equal("b", error.Stage);
        Assert.Same(boom, error.InnerException);
        Assert.Contains("'b'", error.Message, StringComparison.Ordinal);

        // Stage c's bodies saw the run's token fire; nothing reached the sink; the source stopped and was disposed.
        Assert.InRange(cBodies, 1, 2);
        Assert.Equal(cBodies, cCancelled);
        Assert.Equal(0, consumed);
        Assert.True(source.Disposed);
        var stats = run.Statistics().ToDictionary(s => s.Stage);
        Assert.Equal((3, 1), (stats["b"].Completed, stats["b"].Failed));
        // A worker of c may also have taken an item whose body the lane never started: cancelled too.
        Assert.Equal(0, stats["c"].Completed);
        Assert.InRange(stats["c"].Cancelled, cBodies, 2);
        Assert.Equal(0, stats["sink"].Received);
        Assert.All(stats.Values, s => Assert.Equal(0, s.InFlight));
        Assert.Equal(source.Pulled, stats["source"].Received);
        Assert.InRange(source.Pulled, 4, 1 + 3 * 2 + 3 * 1 + 3 * 2 + 3 * 1);
        Assert.All(new[] { io, cpu, loop }, lane => Assert.Equal((0, 0), (lane.Statistics().InFlight, lane.Statistics().Queued)));
    }

    [Fact]
    public async Task A_fault_in_the_source_reaches_completion_and_cancels_the_stages()
    {
        await using var io = Lane.Io();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = false;
        async IAsyncEnumerable<int> Breaking()
        {
            for (var i = 0; i < 5; i++)
                yield return i;
            await started.Task; // fail only once the stage holds an item, so its token is seen to fire
            throw new InvalidOperationException("source broke at 5");
        }

        var run = Pipeline.From(Breaking())
            .Then(io, async (x, ct) =>
            {
                started.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                    cancelled = true;
                    throw;
                }
                return x;
            }, new StageOptions { Name = "wait", Capacity = 10 })
            .Start((x, ct) => ValueTask.CompletedTask);

        var error = await Assert.ThrowsAsync<PipelineStageException>(() => run.Completion.Within());
        Assert.Equal("source", error.Stage);
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Equal("source broke at 5", error.InnerException!.Message);
        Assert.True(started.Task.IsCompleted);
        Assert.True(cancelled);
        var stats = run.Statistics();
        Assert.Equal((5, 5, 1), (stats[0].Received, stats[0].Completed, stats[0].Failed));
        Assert.Equal((1, 1), (stats[1].Received, stats[1].Cancelled));
    }

    [Fact]
    public async Task A_fault_in_the_sink_reaches_completion_and_stops_the_source()
    {
        await using var cpu = Lane.Cpu(new CpuLaneOptions { Workers = 2 });
        var source = new CountingSource();
        var consumed = 0;

        var run = Pipeline.From(source)
            .Then(cpu, x => x * 2, new StageOptions { Concurrency = 2 })
            .Start((x, ct) =>
            {
                if (++consumed == 3) throw new FormatException("bad record");
                return ValueTask.CompletedTask;
            }, new StageOptions { Name = "save" });

        var error = await Assert.ThrowsAsync<PipelineStageException>(() => run.Completion.Within());
        Assert.Equal("save", error.Stage);
        Assert.IsType<FormatException>(error.InnerException);
        Assert.Equal(3, consumed);
        Assert.True(source.Disposed);
        var sink = run.Statistics()[^1];
        Assert.Equal((3, 2, 1, 0), (sink.Received, sink.Completed, sink.Failed, sink.InFlight));
    }

    [Fact]
    public async Task Caller_cancellation_stops_the_run_and_nothing_outlives_it()
    {
        await using var cpu = Lane.Cpu(new CpuLaneOptions { Workers = 2 });
        await using var io = Lane.Io();
        using var cts = new CancellationTokenSource();
        var source = new CountingSource();
        var running = 0;

        var run = Pipeline.From(source)
            .Then(cpu, x => x)
            .Then(io, async (x, ct) =>
            {
                Interlocked.Increment(ref running);
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                    return x;
                }
                finally
                {
                    Interlocked.Decrement(ref running);
                }
            }, new StageOptions { Name = "wait", Concurrency = 3 })
            .Start((x, ct) => ValueTask.CompletedTask, cts.Token);

        await Signal.Until(() => run.Statistics()[2].InFlight == 3, what: "every worker of 'wait' to hold an item");
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.Completion.Within());
        Assert.True(run.Completion.IsCanceled);
        Assert.Equal(0, Volatile.Read(ref running));
        Assert.True(source.Disposed);
        var stats = run.Statistics();
        Assert.All(stats, s => Assert.Equal(0, s.InFlight));
        Assert.Equal(3, stats[2].Cancelled);
        Assert.Equal(0, stats[^1].Received);
        Assert.Equal((0, 0), (io.Statistics().InFlight, io.Statistics().Queued));
        Assert.Equal(3, io.Statistics().Cancelled);
    }

    [Fact]
    public async Task A_run_started_with_a_cancelled_token_pulls_nothing()
    {
        await using var io = Lane.Io();
        var source = new CountingSource();
        var run = Pipeline.From(source).Then(io, x => x).Start((x, ct) => ValueTask.CompletedTask, new CancellationToken(true));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.Completion.Within());
        Assert.True(run.Completion.IsCanceled);
        Assert.Equal(0, source.Pulled);
    }
}
