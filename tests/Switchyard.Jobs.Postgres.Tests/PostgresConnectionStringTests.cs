namespace Switchyard.Jobs.Postgres.Tests;

public sealed class PostgresConnectionStringTests
{
    [Theory]
    [InlineData("postgres://u:p%40ss@db.example:6543/jobs?Pooling=false", "Host=db.example;Port=6543;Username=u;Password=p@ss;Database=jobs;Pooling=False")]
    [InlineData("postgresql://127.0.0.1/q", "Host=127.0.0.1;Database=q")]
    [InlineData("Host=127.0.0.1;Port=55432;Username=postgres;Database=postgres", "Host=127.0.0.1;Port=55432;Username=postgres;Database=postgres")]
    public void Urls_and_connection_strings_become_npgsql_connection_strings(string text, string expected)
    {
        Assert.True(PostgresConnectionString.IsPostgres(text));
        Assert.Equal(expected, PostgresConnectionString.ToNpgsql(text));
    }

    [Theory]
    [InlineData("switchyard.db")]
    [InlineData("/tmp/host=x/jobs.db")]
    public void File_paths_are_not_postgres(string text) => Assert.False(PostgresConnectionString.IsPostgres(text));

    [Fact]
    public void A_bad_url_parameter_is_refused_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => PostgresConnectionString.ToNpgsql("postgres://h/db?NoSuchSetting=1"));
        Assert.Contains("NoSuchSetting", e.Message, StringComparison.Ordinal);
    }
}
