namespace Switchyard.Jobs.Store;

/// <summary>The rules of <see cref="IJobStore.ReadChangesAsync"/> that every store checks the same way.</summary>
internal static class ChangeFeed
{
    /// <summary>The most changes one read returns.</summary>
    public const int MaxLimit = 10_000;

    public static void ValidateLimit(int limit)
    {
        if (limit is < 1 or > MaxLimit)
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"limit must be 1 to {MaxLimit:N0}.");
    }
}
