using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;

namespace Switchyard;

/// <summary>
/// Keeps an ordered stage's output in input order. As a reader, it numbers items in the order the stage's
/// workers take them; a worker whose item is done then waits its turn (<see cref="WaitTurnAsync"/>) before
/// handing the result on, and passes the turn on (<see cref="Pass"/>) after. A waiting worker still holds
/// its one item, so the pipeline's memory bound does not change.
/// </summary>
internal sealed class OrderedHandoff<T>(ChannelReader<T> input) : ChannelReader<(T Item, long Sequence)>
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, TaskCompletionSource> _waiting = [];
    private long _nextRead, _nextTurn;

    public override bool CanCount => input.CanCount;

    public override int Count => input.Count;

    public override Task Completion => input.Completion;

    public override bool TryRead([MaybeNullWhen(false)] out (T Item, long Sequence) item)
    {
        // Taking the item and its number under one lock: numbers follow the channel's order.
        lock (_gate)
        {
            if (input.TryRead(out var value))
            {
                item = (value, _nextRead++);
                return true;
            }
        }
        item = default;
        return false;
    }

    public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) =>
        input.WaitToReadAsync(cancellationToken);

    /// <summary>Completes when every item numbered before <paramref name="sequence"/> has been handed on.</summary>
    public Task WaitTurnAsync(long sequence, CancellationToken cancellationToken)
    {
        TaskCompletionSource turn;
        lock (_gate)
        {
            if (_nextTurn == sequence)
                return Task.CompletedTask;
            turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add(sequence, turn);
        }
        return turn.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Item <paramref name="sequence"/> has been handed on: the next one may go.</summary>
    public void Pass(long sequence)
    {
        TaskCompletionSource? next;
        lock (_gate)
        {
            _nextTurn = sequence + 1;
            _waiting.Remove(_nextTurn, out next);
        }
        next?.SetResult();
    }
}
