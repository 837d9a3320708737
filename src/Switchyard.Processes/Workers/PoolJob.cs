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

    /// <summary>True when the job's items can travel as one JSON array (a chunk of plain arguments).</summary>
    public virtual bool CanBatch => false;

    /// <summary>Writes the arguments of items <paramref name="start"/>.. as one JSON array.</summary>
    public virtual void WriteArguments(Utf8JsonWriter writer, int start, int count) => throw new NotSupportedException();

    /// <summary>Reads one JSON array of results into items <paramref name="start"/>.., skipping the positions in <paramref name="failed"/>.</summary>
    protected virtual void OnValues(int start, ReadOnlySpan<byte> array, IReadOnlySet<int> failed) => throw new NotSupportedException();

    protected abstract void OnValue(int index, ReadOnlySpan<byte> json);

    protected abstract void OnError(int index, Exception error);

    /// <summary>Item <paramref name="index"/> returned <paramref name="json"/>. Returns false if reading it failed (the item then failed). Call <see cref="Ended"/> after.</summary>
    public bool Value(int index, ReadOnlySpan<byte> json)
    {
        var ok = true;
        try { OnValue(index, json); }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            OnError(index, new InvalidOperationException($"The result of item {index} could not be read: {e.Message}", e));
            ok = false;
        }
        return ok;
    }

    public void Error(int index, Exception error) => OnError(index, error);

    /// <summary>
    /// Items <paramref name="start"/>..+<paramref name="count"/> answered at once: <paramref name="errors"/> by position, the rest
    /// from <paramref name="array"/>. Returns how many failed (a result that cannot be read fails its item).
    /// </summary>
    public int Values(int start, int count, ReadOnlySpan<byte> array, IReadOnlyDictionary<int, Exception> errors)
    {
        foreach (var (position, error) in errors) OnError(start + position, error);
        var failed = errors.Count;
        try
        {
            OnValues(start, array, errors.Keys.ToHashSet());
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            for (var p = 0; p < count; p++)
            {
                if (errors.ContainsKey(p)) continue;
                OnError(start + p, new InvalidOperationException($"The results could not be read: {e.Message}", e));
                failed++;
            }
        }
        return failed;
    }

    /// <summary>Counts a death of the worker that ran item <paramref name="index"/>; returns how many it has seen.</summary>
    public int Died(int index) => ++(_deaths ??= new int[Count])[index];

    /// <summary>
    /// <paramref name="count"/> items have their outcome. Called after the pool has counted them, so that statistics
    /// never lag behind what a caller has seen.
    /// </summary>
    public void Ended(int count = 1)
    {
        if (Interlocked.Add(ref _remaining, -count) == 0) _done.TrySetResult();
    }
}
