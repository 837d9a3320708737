using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Switchyard.Jobs;
using Switchyard.Jobs.Handlers;
using Switchyard.Jobs.Handlers.Shell;
using Switchyard.Jobs.Postgres;
using Switchyard.Jobs.Store;

namespace Switchyard.Cli.Commands;

/// <summary>What the queue commands (submit, status, jobs, worker, cancel, retry) share: options, store opening, output.</summary>
internal static class JobsCommandSupport
{
    public const string DefaultDb = "switchyard.db";

    public static Option<string> DbOption() => new("--db")
    {
        Description = "The queue's database: a SQLite file, or PostgreSQL as a postgres:// URL or an Npgsql connection string (Host=...; Search Path=NAME picks the schema, default switchyard).",
        DefaultValueFactory = _ => DefaultDb,
    };

    public static Option<bool> JsonOption() => new("--json") { Description = "Print JSON." };

    public static Option<string[]> HandlersAssemblyOption() => new("--handlers-assembly")
    {
        Description = "Load handler classes (public IJobHandler types with a parameterless constructor) from this .NET assembly.",
        AllowMultipleArgumentsPerToken = false,
    };

    public static Argument<long> IdArgument() => new("id") { Description = "The job's id." };

    /// <summary>Opens the store <paramref name="db"/> names (see <see cref="JobStoreOpener"/>, shared with the server).</summary>
    public static Task<IJobStore> OpenStoreAsync(string db, TextWriter? log, CancellationToken cancellationToken) =>
        JobStoreOpener.OpenAsync(db, log, cancellationToken);

    /// <summary>Where a store lives, for messages (never a password).</summary>
    public static string Describe(IJobStore store) => JobStoreOpener.Describe(store);

    /// <summary>The built-in handlers plus any loaded from assemblies.</summary>
    public static JobHandlers Handlers(IEnumerable<string>? assemblies, ShellHandlerOptions? shell = null)
    {
        var handlers = new JobHandlers().AddBuiltIn(shell);
        foreach (var path in assemblies ?? [])
        {
            var full = Path.GetFullPath(path);
            if (!File.Exists(full))
                throw new JobValidationException("--handlers-assembly", $"no file at '{full}'.", null);
            handlers.AddFrom(Assembly.LoadFrom(full));
        }
        return handlers;
    }

    /// <summary>A comma-separated list option's items (none for null).</summary>
    public static string[] Split(string? list) =>
        list is null ? [] : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Reads "30s", "5m", "1h", "2d", "250ms" or plain seconds.</summary>
    public static TimeSpan ParseDuration(string text, string field)
    {
        var t = text.Trim();
        (string Suffix, double Seconds)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)];
        var unit = units.FirstOrDefault(u => t.EndsWith(u.Suffix, StringComparison.OrdinalIgnoreCase) && double.TryParse(t[..^u.Suffix.Length],
            NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        var number = unit.Suffix is null ? t : t[..^unit.Suffix.Length];
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || double.IsNaN(value) || double.IsInfinity(value))
            throw new JobValidationException(field, $"'{text}' is not a duration (examples: 30s, 5m, 1h, 2d, 250ms, or seconds).", null);
        var seconds = value * (unit.Suffix is null ? 1 : unit.Seconds);
        if (seconds < 0)
            throw new JobValidationException(field, $"must not be negative (got '{text}').", null);
        return TimeSpan.FromSeconds(seconds);
    }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private static readonly JsonSerializerOptions IndentedJson = new(Json) { WriteIndented = true };

    /// <summary>A job as JSON, with its payload and result embedded as JSON rather than as strings.</summary>
    public static string ToJson(Job job, bool indented = false) => JsonSerializer.Serialize(new
    {
        job.Id, job.Kind, job.Queue, Payload = Raw(job.Payload), job.Priority, State = job.State, job.Attempt, job.MaxAttempts,
        job.RunAt, job.LeaseOwner, job.LeaseExpiresAt, job.IdempotencyKey, job.CreatedAt, job.StartedAt, job.FinishedAt,
        Result = Raw(job.Result), job.LastError, Progress = job.ProgressPercent is null && job.ProgressMessage is null ? null
            : new { Percent = job.ProgressPercent, Message = job.ProgressMessage },
        job.CancelRequested,
    }, indented ? IndentedJson : Json);

    private static JsonElement? Raw(string? json)
    {
        if (json is null) return null;
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public static string State(JobState state) => JsonNamingPolicy.CamelCase.ConvertName(state.ToString());

    /// <summary>What a one-job command reports: its exit code, the text line, and the outcome's name for --json.</summary>
    public readonly record struct Outcome(int ExitCode, string Text, string Name);

    /// <summary>
    /// A command on one job (<c>yard NAME ID</c>, with --db and --json): <paramref name="act"/> opens nothing itself;
    /// it gets the open store and the id, and returns the outcome printed as a line or as JSON.
    /// </summary>
    public static Command ForOneJob(string name, string description, Func<IJobStore, long, CancellationToken, Task<Outcome>> act)
    {
        var id = IdArgument();
        var db = DbOption();
        var json = JsonOption();
        var command = new Command(name, description) { id, db, json };
        command.SetAction((parse, ct) => Guard(parse, async output =>
        {
            await using var store = await OpenStoreAsync(parse.GetValue(db)!, null, ct);
            var jobId = parse.GetValue(id);
            var outcome = await act(store, jobId, ct);
            await output.WriteLineAsync(parse.GetValue(json)
                ? JsonSerializer.Serialize(new { Id = jobId, Outcome = JsonNamingPolicy.CamelCase.ConvertName(outcome.Name) }, Json)
                : $"{jobId}\t{outcome.Text}");
            return outcome.ExitCode;
        }));
        return command;
    }

    public static Outcome Describe(CancelOutcome outcome, long id) => new(outcome is CancelOutcome.NotFound ? 1 : 0, outcome switch
    {
        CancelOutcome.Cancelled => "cancelled",
        CancelOutcome.Requested => "cancel requested (the job is running; its worker stops it at its next heartbeat)",
        CancelOutcome.AlreadyFinished => "already finished; nothing changed",
        _ => $"no job {id}",
    }, outcome.ToString());

    public static Outcome Describe(RetryOutcome outcome, long id) => new(outcome is RetryOutcome.Retried ? 0 : 1, outcome switch
    {
        RetryOutcome.Retried => "available again",
        RetryOutcome.Running => "running now; not retried",
        _ => $"no job {id}",
    }, outcome.ToString());

    /// <summary>Runs a command body, turning refused input into "yard: field: rule" and exit code 1.</summary>
    public static async Task<int> Guard(ParseResult parse, Func<TextWriter, Task<int>> body)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        try
        {
            return await body(output);
        }
        catch (JobValidationException e)
        {
            await error.WriteLineAsync($"yard: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or Npgsql.NpgsqlException)
        {
            await error.WriteLineAsync($"yard: the database failed: {e.Message}");
            return 1;
        }
    }
}
