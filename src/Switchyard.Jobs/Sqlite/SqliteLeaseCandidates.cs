namespace Switchyard.Jobs.Sqlite;

/// <summary>
/// The jobs a lease over several queues, or over every queue, takes: the first <c>limit</c> due jobs by priority, then
/// run-at, then id, merged from each queue's own run of the one due index, <c>jobs_due (queue, priority DESC, run_at, id)</c>.
/// <para>
/// Since migration 4 there is no second due index ordered across queues. Every job was written into it at its enqueue
/// and out of it at its lease, and each commit writes every page it dirtied to the WAL: without it the queue bench
/// drained 25-38% more jobs a second. The queues that have due entries are found by seeking that index from one
/// queue name to the next (one seek each). Each queue is then read in order only while its rows can still make the cut.
/// A lease over every queue so costs two short statements per queue with due entries, where one index gave one statement:
/// the price is paid per lease of up to a few hundred jobs, the index's was paid by every job.
/// </para>
/// </summary>
internal static class SqliteLeaseCandidates
{
    private const string Due = $"state IN {SqliteJobStore.QueuedStates}";
    internal const string FirstQueue = $"SELECT queue FROM jobs INDEXED BY jobs_due WHERE {Due} ORDER BY queue LIMIT 1";
    internal const string NextQueue = $"SELECT queue FROM jobs INDEXED BY jobs_due WHERE {Due} AND queue > $after ORDER BY queue LIMIT 1";
    // INDEXED BY: without ANALYZE statistics the planner prefers another index and sorts every due job.
    internal const string DueInQueue =
        $"SELECT priority, run_at, id FROM jobs INDEXED BY jobs_due WHERE queue = $queue AND {Due} AND run_at <= $now " +
        "ORDER BY priority DESC, run_at, id LIMIT $limit";

    /// <summary>The ids to lease, best first, from <paramref name="queues"/> (every queue when empty).</summary>
    public static List<long> Select(WriteScope scope, IReadOnlyList<string> queues, long now, int limit)
    {
        var best = new List<Rank>(limit);
        var fresh = new List<Rank>(limit);
        foreach (var queue in queues.Count > 0 ? queues.Distinct(StringComparer.Ordinal).ToList() : QueuesWithDueEntries(scope))
        {
            var cut = best.Count == limit ? best[^1] : (Rank?)null;
            var command = scope.Command(DueInQueue);
            command.Parameters.Add("$queue", queue).Add("$now", now).Add("$limit", limit);
            fresh.Clear();
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    var rank = new Rank(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
                    if (cut is { } c && rank.CompareTo(c) >= 0) break; // this queue's later rows rank lower still
                    fresh.Add(rank);
                }
            }
            if (fresh.Count == 0) continue;
            best.AddRange(fresh);
            best.Sort();
            if (best.Count > limit) best.RemoveRange(limit, best.Count - limit);
        }
        return best.ConvertAll(r => r.Id);
    }

    private static List<string> QueuesWithDueEntries(WriteScope scope)
    {
        var found = new List<string>();
        for (var next = scope.Command(FirstQueue).ExecuteScalar() as string; next is not null; next = After(scope, next))
            found.Add(next);
        return found;

        static string? After(WriteScope scope, string queue)
        {
            var command = scope.Command(NextQueue);
            command.Parameters.Add("$after", queue);
            return command.ExecuteScalar() as string;
        }
    }

    /// <summary>A due job's place in lease order: higher priority first, then earlier run-at, then lower id.</summary>
    internal readonly record struct Rank(long Priority, long RunAt, long Id) : IComparable<Rank>
    {
        public static Rank Of(Job job) => new(job.Priority, SqliteJobRows.Micros(job.RunAt), job.Id);

        public int CompareTo(Rank other) =>
            Priority != other.Priority ? other.Priority.CompareTo(Priority)
            : RunAt != other.RunAt ? RunAt.CompareTo(other.RunAt)
            : Id.CompareTo(other.Id);
    }
}
