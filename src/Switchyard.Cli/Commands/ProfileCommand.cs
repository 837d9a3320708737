using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchyard.Cli.Commands;

/// <summary><c>yard profile [--runs N] [--json] -- COMMAND ARGS…</c>: measure a command, classify it, recommend a lane.</summary>
internal static class ProfileCommand
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // ≥ and × stay readable
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static Command Create()
    {
        var runs = new Option<int>("--runs") { Description = "Run the command this many times and report the median run.", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print the profile as JSON." };
        var command = new Argument<string[]>("command") { Description = "The command and its arguments (after --); run directly, no shell.", Arity = ArgumentArity.OneOrMore };
        var profile = new Command("profile",
            "Run a command (and its children), measure wall and CPU time, utilisation, peak memory, bytes read and written and " +
            "context switches; classify it CPU-bound, I/O-bound or mixed; recommend a lane and a concurrency.")
        {
            runs, json, command,
        };
        runs.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1) r.AddError("--runs must be at least 1.");
        });
        profile.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var argv = parse.GetRequiredValue(command);
            WorkProfile result;
            try
            {
                // The command's own output goes to stderr, so stdout holds only the profile.
                result = await Profiler.ProfileCommandAsync(argv, new ProfileOptions { Runs = parse.GetValue(runs) },
                    parse.InvocationConfiguration.Error, cancellationToken);
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"yard profile: cannot run '{argv[0]}': {e.Message}");
                return 1;
            }
            if (parse.GetValue(json)) await output.WriteLineAsync(JsonSerializer.Serialize(ToJson(result), Json));
            else await WriteTableAsync(output, string.Join(' ', argv), result);
            return 0;
        });
        return profile;
    }

    private static object ToJson(WorkProfile p) => new
    {
        p.Runs,
        WallSeconds = p.Wall.TotalSeconds,
        UserCpuSeconds = p.UserCpu.TotalSeconds,
        SystemCpuSeconds = p.SystemCpu.TotalSeconds,
        RunQueueWaitSeconds = p.RunQueueWait.TotalSeconds,
        p.Utilisation,
        p.PeakRssBytes,
        p.BytesRead,
        p.BytesWritten,
        p.VoluntarySwitches,
        p.InvoluntarySwitches,
        Class = p.Class,
        Recommendation = new { Lane = p.Recommendation.Lane, p.Recommendation.Concurrency, p.Recommendation.Reasoning },
    };

    private static async Task WriteTableAsync(TextWriter output, string commandLine, WorkProfile p)
    {
        var rows = new (string, string)[]
        {
            ("command", commandLine),
            ("runs", p.Runs.ToString(CultureInfo.InvariantCulture)),
            ("wall", Seconds(p.Wall)),
            ("user cpu", Seconds(p.UserCpu)),
            ("system cpu", Seconds(p.SystemCpu)),
            ("utilisation", string.Create(CultureInfo.InvariantCulture, $"{p.Utilisation:0.00} cores")),
            ("waiting for a core", Seconds(p.RunQueueWait)),
            ("peak rss", Bytes(p.PeakRssBytes)),
            ("bytes read", Bytes(p.BytesRead)),
            ("bytes written", Bytes(p.BytesWritten)),
            ("context switches", $"{p.VoluntarySwitches?.ToString(CultureInfo.InvariantCulture) ?? "?"} voluntary, {p.InvoluntarySwitches?.ToString(CultureInfo.InvariantCulture) ?? "?"} involuntary"),
            ("class", p.Class switch { WorkClass.CpuBound => "CPU-bound", WorkClass.IoBound => "I/O-bound", _ => "mixed" }),
            ("recommendation", $"{p.Recommendation.Lane} lane, concurrency {p.Recommendation.Concurrency}"),
        };
        var width = rows.Max(r => r.Item1.Length);
        foreach (var (name, value) in rows) await output.WriteLineAsync($"{name.PadRight(width)}  {value}");
        await output.WriteLineAsync();
        await output.WriteLineAsync("why:");
        foreach (var reason in p.Recommendation.Reasoning) await output.WriteLineAsync($"  - {reason}");
    }

    private static string Seconds(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.000} s");

    private static string Bytes(long? b) => b switch
    {
        null => "?",
        >= 1 << 30 => string.Create(CultureInfo.InvariantCulture, $"{b / (double)(1 << 30):0.0} GiB"),
        >= 1 << 20 => string.Create(CultureInfo.InvariantCulture, $"{b / (double)(1 << 20):0.0} MiB"),
        >= 1 << 10 => string.Create(CultureInfo.InvariantCulture, $"{b / 1024.0:0.0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{b} B"),
    };
}
