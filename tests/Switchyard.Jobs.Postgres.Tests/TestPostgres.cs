using Npgsql;

namespace Switchyard.Jobs.Postgres.Tests;

/// <summary>
/// The PostgreSQL server the tests use: <c>SWITCHYARD_TEST_PG</c> (an Npgsql connection string). test.sh starts a throwaway
/// server and sets it; without it the tests fail and say how to provide it. Each store gets a fresh schema, dropped after.
/// </summary>
public static class TestPostgres
{
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("SWITCHYARD_TEST_PG") is { Length: > 0 } value ? value
            : throw new InvalidOperationException(
                "SWITCHYARD_TEST_PG is not set: these tests need a PostgreSQL server. Start one with " +
                "`export SWITCHYARD_TEST_PG=\"$(tests/pg-server.sh start)\"` (stop it with `tests/pg-server.sh stop`), or run ./test.sh, which does both.");

    /// <summary>A schema name no other test uses.</summary>
    public static string NewSchema() => "t_" + Guid.NewGuid().ToString("N")[..20];

    public static Task<PostgresJobStore> OpenAsync(string schema, TimeProvider? time = null) =>
        PostgresJobStore.OpenAsync(new PostgresJobStoreOptions { ConnectionString = ConnectionString, Schema = schema, TimeProvider = time ?? TimeProvider.System });

    public static async Task DropSchemaAsync(string schema)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
#pragma warning disable CA2100 // a generated identifier
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
#pragma warning restore CA2100
        await drop.ExecuteNonQueryAsync();
    }
}
