namespace Switchyard.Jobs.Postgres.Tests.Reliability;

/// <summary>How far workers have drained a queue.</summary>
internal static class Drain
{
    /// <summary>How many jobs succeeded; -1 while the server cannot answer (it is restarting).</summary>
    public static long Succeeded(PostgresJobStore store)
    {
        try
        {
            return store.CountAsync().GetAwaiter().GetResult().Where(c => c.State == JobState.Succeeded).Sum(c => c.Count);
        }
        catch (Npgsql.NpgsqlException)
        {
            return -1;
        }
    }
}
