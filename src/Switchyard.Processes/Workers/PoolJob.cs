using System.Text.Json;

namespace Switchyard.Processes.Workers;

/// <summary>
/// A unit the pool runs: a chunk of a map, or one item. Every item ends exactly once, with a value or an error;
/// <see cref="Completion"/> completes when the last one has.
/// </summary>
internal abstract class PoolJob
{
    // Only the lane's own code awaits this (a map chunk's hand-back), so it may run on the reader's thread: one hop less per chunk.
    private readonly TaskCompletionSource _done = new();
    private int _remaining;
    private int[]? _deaths;

    protected PoolJob(int methodId, int count, CancellationToken token)
    {
        MethodId = methodId;
        Count = count;
        Token = token;
        _remaining = count;
        if (count == 0) _done.TrySetResult();
    }

    public int MethodId { get; }
    public int Count { get; }
    public CancellationToken Token { get; }
    public Task Completion => _done.Task;

    public abstract void WriteArgument(Utf8JsonWriter writer, int index);

    protected abstract void OnValue(int index, ReadOnlySpan<byte> json);

    protected abstract void OnError(int index, Exception error);

    /// <summary>Item <paramref name="index"/> returned <paramref name="json"/>. Returns false if reading it failed (the item then failed).</summary>
    public bool Value(int index, ReadOnlySpan<byte> json)
    {
        var ok = true;
        try { OnValue(index, json); }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            OnError(index, new InvalidOperationException($"The result of item {index} could not be read: {e.Message}", e));
            ok = false;
        }
        Ended();
        return ok;
    }

    public void Error(int index, Exception error)
    {
        OnError(index, error);
        Ended();
    }

    /// <summary>Counts a death of the worker that ran item <paramref name="index"/>; returns how many it has seen.</summary>
    public int Died(int index) => ++(_deaths ??= new int[Count])[index];

    private void Ended()
    {
        if (Interlocked.Decrement(ref _remaining) == 0) _done.TrySetResult();
    }
}
