using Switchyard.Jobs.Sqlite;
using Switchyard.Jobs.Store;
using Switchyard.Testing;

namespace Switchyard.Jobs.Tests.Reliability;

/// <summary>Bad input given to a real <c>yard</c> process gets a clear error naming the field and the rule, and nothing is stored.</summary>
public sealed class BadInputTests
{
    [Theory]
    [InlineData("unknown kind", new[] { "submit", "nope", "--payload", "{}" }, "yard: kind: no handler is registered for 'nope' (known: http, shell).")]
    [InlineData("malformed JSON", new[] { "submit", "shell", "--payload", "{\"argv\":[" }, "yard: payload: is not valid JSON")]
    [InlineData("payload of the wrong shape", new[] { "submit", "shell", "--payload", "{\"argv\":\"ls -l\"}" }, "yard: payload: not a valid 'shell' payload at $.argv")]
    [InlineData("empty argv", new[] { "submit", "shell", "--payload", "{\"argv\":[]}" }, "yard: argv: must be a non-empty array")]
    [InlineData("negative delay", new[] { "submit", "shell", "--payload", "{\"argv\":[\"true\"]}", "--delay", "-5s" }, "yard: --delay: must not be negative (got '-5s').")]
    [InlineData("zero attempts", new[] { "submit", "shell", "--payload", "{\"argv\":[\"true\"]}", "--max-attempts", "0" }, "yard: maxAttempts: must be at least 1 (got 0).")]
    [InlineData("invalid cron", new[] { "worker", "--recurring", "{\"name\":\"n\",\"cron\":\"*/0 * * * *\",\"kind\":\"shell\",\"payload\":{\"argv\":[\"true\"]}}" },
        "yard: cron: '*/0 * * * *' is not a valid cron expression: minute step 0 is outside 1-60.")]
    public async Task Is_refused_with_a_clear_error_and_stores_nothing(string what, string[] args, string message)
    {
        using var db = new TempDb();
        using var yard = YardProcess.Start([.. args, "--db", db.Path]);

        Assert.Equal(1, await yard.ExitCodeAsync().Within());
        Assert.True(yard.Stderr.Contains(message, StringComparison.Ordinal), $"{what}: stderr was: {yard.Stderr}");
        await AssertEmpty(db.Path);
    }

    [Fact]
    public async Task A_payload_over_the_size_limit_is_refused()
    {
        using var db = new TempDb();
        using var yard = YardProcess.Start("submit", "shell", "--stdin", "--db", db.Path);
        // 1 MiB is the limit; a command-line argument cannot be that long on Linux, so the payload comes on stdin.
        await yard.Input.WriteLineAsync($$"""{"argv":["echo","{{new string('x', 1024 * 1024)}}"]}""");
        yard.Input.Close();

        Assert.Equal(1, await yard.ExitCodeAsync().Within());
        Assert.Contains("yard: line 1: payload: is 1048596 bytes; the limit is 1048576 bytes.", yard.Stderr, StringComparison.Ordinal);
        await AssertEmpty(db.Path);
    }

    private static async Task AssertEmpty(string path)
    {
        if (!File.Exists(path)) return;
        await using var store = SqliteJobStore.Open(new SqliteJobStoreOptions { Path = path });
        Assert.Empty((await store.QueryAsync(new JobQuery())).Jobs);
    }
}
