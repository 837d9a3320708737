using Npgsql;
using Switchyard.Jobs.Sqlite;
using Switchyard.Jobs.Store;

namespace Switchyard.Jobs.Postgres;

/// <summary>
/// The one place a <c>--db</c> text becomes a store, shared by <c>yard</c>'s commands and the server: a postgres URL or an
/// Npgsql connection string opens the PostgreSQL store; anything else is a SQLite file.
/// </summary>
internal static class JobStoreOpener
{
    /// <summary>
    /// Opens the store <paramref name="db"/> names. A PostgreSQL connection's <c>Search Path</c> (one name) picks the
    /// queue's schema (default <c>switchyard</c>). <paramref name="log"/> hears the PostgreSQL store's reconnects.
    /// </summary>
    /// <exception cref="JobValidationException">The text is not a usable connection (field <c>--db</c>).</exception>
    public static async Task<IJobStore> OpenAsync(string db, TextWriter? log, CancellationToken cancellationToken)
    {
        if (!PostgresConnectionString.IsPostgres(db))
            return SqliteJobStore.Open(new SqliteJobStoreOptions { Path = db });
        string connectionString;
        try
        {
            connectionString = PostgresConnectionString.ToNpgsql(db);
        }
        catch (ArgumentException e)
        {
            throw new JobValidationException("--db", e.Message, e);
        }
        var schema = new NpgsqlConnectionStringBuilder(connectionString).SearchPath is { Length: > 0 } path ? path : "switchyard";
        try
        {
            return await PostgresJobStore.OpenAsync(
                new PostgresJobStoreOptions { ConnectionString = connectionString, Schema = schema, Log = log }, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            throw new JobValidationException("--db", e.Message, e);
        }
    }

    /// <summary>Where a store lives, for messages (never a password).</summary>
    public static string Describe(IJobStore store) => store switch
    {
        SqliteJobStore sqlite => sqlite.Path,
        PostgresJobStore postgres => postgres.Description,
        _ => store.GetType().Name,
    };
}
