namespace Switchyard.Jobs.Store;

/// <summary>Filters and a page of a job listing (newest first). Every filter is optional.</summary>
public sealed class JobQuery
{
    /// <summary>Only jobs in these states. Default: every state.</summary>
    public IReadOnlyList<JobState>? States { get; init; }

    /// <summary>Only jobs of this queue. Default: every queue.</summary>
    public string? Queue { get; init; }

    /// <summary>Only jobs of this kind. Default: every kind.</summary>
    public string? Kind { get; init; }

    /// <summary>Only jobs whose payload or last error message contains this text (case-insensitive for ASCII). Default: none.</summary>
    public string? Search { get; init; }

    /// <summary>The page size, 1 to 1000. Default: 50.</summary>
    public int Limit { get; init; } = 50;

    /// <summary>Keyset paging: only jobs older than this id (pass the previous page's <see cref="JobPage.NextCursor"/>). Default: none.</summary>
    public long? Before { get; init; }
}

/// <summary>One page of a listing.</summary>
/// <param name="Jobs">The jobs, newest first.</param>
/// <param name="NextCursor">Pass as <see cref="JobQuery.Before"/> for the next page; null on the last page.</param>
public sealed record JobPage(IReadOnlyList<Job> Jobs, long? NextCursor)
{
    /// <summary>
    /// The page from rows read newest first with one row more than <paramref name="limit"/> (how every store asks):
    /// the extra row only says there is a next page, and the last kept row's id is its cursor.
    /// </summary>
    internal static JobPage FromOverfetch(List<Job> rows, int limit)
    {
        if (rows.Count <= limit) return new JobPage(rows, null);
        rows.RemoveAt(rows.Count - 1);
        return new JobPage(rows, rows[^1].Id);
    }
}

/// <summary>How many jobs are in one state of one queue.</summary>
/// <param name="Queue">The queue.</param>
/// <param name="State">The state.</param>
/// <param name="Count">How many jobs.</param>
public sealed record JobCount(string Queue, JobState State, long Count);
