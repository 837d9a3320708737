using Microsoft.Data.Sqlite;

namespace Switchyard.Samples.Etl;

/// <summary>
/// Loads rows into a new SQLite database's <c>orders</c> table, one transaction per batch with one prepared
/// statement. Microsoft.Data.Sqlite is synchronous underneath, so the sample runs it on a one-thread Cpu lane:
/// a dedicated thread for the one writer SQLite allows, and no thread-pool thread blocked on disk.
/// </summary>
public sealed class SqliteLoader : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly SqliteParameter[] _values;
    private static readonly string[] Columns = ["$id", "$day", "$country", "$customer", "$items", "$total", "$currency", "$eur"];

    private SqliteLoader(SqliteConnection connection)
    {
        _connection = connection;
        _insert = connection.CreateCommand();
        _insert.CommandText = "INSERT INTO orders (id, day, country, customer, items, total_cents, currency, total_eur_cents) " +
                              "VALUES ($id, $day, $country, $customer, $items, $total, $currency, $eur)";
        _values = Columns.Select(name => _insert.Parameters.Add(new SqliteParameter { ParameterName = name })).ToArray();
    }

    /// <summary>The SQL that creates the table.</summary>
    public const string Schema = """
        CREATE TABLE orders (
            id INTEGER PRIMARY KEY,
            day TEXT NOT NULL,
            country TEXT NOT NULL,
            customer TEXT NOT NULL,
            items INTEGER NOT NULL,
            total_cents INTEGER NOT NULL,
            currency TEXT NOT NULL,
            total_eur_cents INTEGER NOT NULL)
        """;

    /// <summary>Creates the database at <paramref name="path"/> (which must not exist yet) with its table.</summary>
    public static SqliteLoader Create(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        try
        {
            connection.Open();
            using var setup = connection.CreateCommand();
            setup.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; " + Schema;
            setup.ExecuteNonQuery();
            return new SqliteLoader(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Inserts one batch in one transaction.</summary>
    public void Insert(IReadOnlyList<OrderRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var transaction = _connection.BeginTransaction();
        _insert.Transaction = transaction;
        foreach (var row in rows)
        {
            _values[0].Value = row.Id;
            _values[1].Value = row.Day;
            _values[2].Value = row.Country;
            _values[3].Value = row.Customer;
            _values[4].Value = row.Items;
            _values[5].Value = row.TotalCents;
            _values[6].Value = row.Currency;
            _values[7].Value = row.TotalEurCents;
            _insert.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    /// <summary>Rows, Σ id and Σ total_cents of what is loaded: the checksum the sample compares with its input.</summary>
    public (long Rows, long IdSum, long CentsSum) Checksum()
    {
        using var query = _connection.CreateCommand();
        query.CommandText = "SELECT count(*), coalesce(sum(id), 0), coalesce(sum(total_cents), 0) FROM orders";
        using var reader = query.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    /// <summary>Deletes the database at <paramref name="path"/> with its WAL and shared-memory files, if they exist.</summary>
    public static void Delete(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            File.Delete(file);
    }

    /// <summary>Closes the database.</summary>
    public void Dispose()
    {
        _insert.Dispose();
        _connection.Dispose();
    }
}
