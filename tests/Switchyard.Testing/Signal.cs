namespace Switchyard.Testing;

/// <summary>Waiting helpers: a test waits on a signal with a timeout, never on a sleep.</summary>
public static class Signal
{
    /// <summary>The longest a test waits for something that should happen promptly.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Awaits <paramref name="task"/> or fails the test after <see cref="Patience"/>.</summary>
    public static async Task<T> Within<T>(this Task<T> task, TimeSpan? timeout = null)
    {
        await ((Task)task).Within(timeout);
        return await task;
    }

    /// <summary>Awaits <paramref name="task"/> or fails the test after <see cref="Patience"/>.</summary>
    public static async Task Within(this Task task, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Patience;
        if (await Task.WhenAny(task, Task.Delay(limit)) != task)
            throw new TimeoutException($"Gave up waiting after {limit.TotalSeconds:0.#} s.");
        await task;
    }

    /// <summary>
    /// Polls <paramref name="condition"/> with yields (no fixed sleep decides the outcome) until it
    /// holds, failing after <see cref="Patience"/>. For state that has no event to wait on.
    /// </summary>
    public static async Task Until(Func<bool> condition, TimeSpan? timeout = null, string? what = null)
    {
        var limit = timeout ?? Patience;
        var deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Gave up waiting for {what ?? "the condition"} after {limit.TotalSeconds:0.#} s.");
            await Task.Delay(1);
        }
    }
}
