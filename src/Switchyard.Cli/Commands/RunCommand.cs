using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json;
using Switchyard.Cli.Run;

namespace Switchyard.Cli.Commands;

/// <summary><c>yard run</c>: many commands, N at a time, like xargs -P and GNU parallel. The engine is in <c>Run/</c>.</summary>
internal static class RunCommand
{
    private const string Help = """
        Run many commands in parallel, GNU parallel style.
          yard run -j 4 -a commands.txt          each line is a command (or stdin: ... | yard run)
          yard run gzip -9 {} ::: a.txt b.txt    a template over arguments (::: list, :::: file, or stdin lines)
          yard run -- sort -u {} ::: x y         put -- before a command that has words starting with '-'
        Replacement strings: {} {.} {/} {//} {/.} {#} {1} {2}...; with none, the arguments are appended.
        Several sources give every combination, the last one varying fastest.
        Differences from GNU parallel: no shell unless --shell (argv, quoted with '' and ""); one template word
        is split quote-aware, several words are taken as argv as given; --retries N means N more attempts;
        blank command lines are skipped; --tag prefixes stdout and stderr lines.
        Exit code: the number of failed jobs, capped at 101 (as GNU parallel); 1 for bad input (nothing ran).
        --queue: the jobs go through the durable job queue (--db FILE, default ./switchyard.db) as shell jobs, so killing
        yard run loses nothing: the same command again finds its jobs there and carries on (a killed run's running
        jobs come back within seconds). Only jobs finishing in this invocation are printed; their output is the shell
        handler's stored result, bounded to 64 KiB of stdout and of stderr per job; a failed job prints its error
        (exit code, stderr tail). Not with --halt, --delay, --line-buffer, --joblog, --resume, --resume-failed,
        --progress or --kill-grace. Dead jobs stay dead on a re-run (yard retry ID).
        """;

    internal static Command Create()
    {
        var words = new Argument<string[]>("command") { Description = "Template words, then ::: arguments or :::: files.", Arity = ArgumentArity.ZeroOrMore };
        var jobs = new Option<string>("--jobs", "-j") { Description = "Jobs at once: N or N% of the cores. Default: the number of cores." };
        var argFile = new Option<string?>("--arg-file", "-a") { Description = "Read input lines from FILE instead of stdin." };
        var shell = new Option<bool>("--shell") { Arity = ArgumentArity.Zero, Description = "Run each command with /bin/sh -c (otherwise argv, no shell)." };
        var timeout = new Option<double?>("--timeout") { Description = "Seconds per attempt; then TERM to the job's process group, KILL after --kill-grace." };
        var grace = new Option<double>("--kill-grace") { Description = "Seconds between TERM and KILL.", DefaultValueFactory = _ => 2 };
        var retries = new Option<int>("--retries") { Description = "Extra attempts for a failing job. Default: 0." };
        var halt = new Option<string?>("--halt") { Description = "never (default), now|soon,fail=N or now|soon,fail=P%: stop after failures; now kills running jobs." };
        var delay = new Option<double>("--delay") { Description = "Seconds between job starts. Default: 0." };
        var keepOrder = new Option<bool>("--keep-order", "-k") { Arity = ArgumentArity.Zero, Description = "Print output in input order." };
        var tag = new Option<bool>("--tag") { Arity = ArgumentArity.Zero, Description = "Prefix output lines with the job's arguments and a tab." };
        var lineBuffer = new Option<bool>("--line-buffer") { Arity = ArgumentArity.Zero, Description = "Pass whole lines through as they come instead of grouping per job." };
        var jobLog = new Option<string?>("--joblog") { Description = "Write GNU parallel's joblog (tab-separated) to FILE." };
        var resume = new Option<bool>("--resume") { Arity = ArgumentArity.Zero, Description = "Skip jobs already in --joblog." };
        var resumeFailed = new Option<bool>("--resume-failed") { Arity = ArgumentArity.Zero, Description = "Skip jobs --joblog shows succeeded; rerun failed ones." };
        var progress = new Option<bool>("--progress", "--bar") { Arity = ArgumentArity.Zero, Description = "Progress on stderr: a live bar on a terminal, plain lines otherwise." };
        var json = new Option<bool>("--json") { Arity = ArgumentArity.Zero, Description = "Print a JSON summary on stdout at the end." };
        var queue = new Option<bool>("--queue") { Arity = ArgumentArity.Zero, Description = "Run the jobs through the durable job queue: a killed run carries on when run again." };
        var db = JobsCommandSupport.DbOption();
        db.Description = "With --queue: the queue's SQLite database file.";
        Option[] notWithQueue = [halt, delay, lineBuffer, jobLog, resume, resumeFailed, progress, grace];

        // Flags take no value, so `--shell true ...` keeps `true` as the command.
        var command = new Command("run", Help)
        {
            words, jobs, argFile, shell, timeout, grace, retries, halt, delay, keepOrder, tag, lineBuffer, jobLog, resume, resumeFailed, progress, json, queue, db,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            RunSettings settings;
            try
            {
                settings = Settings(parse.GetValue(words) ?? [], parse.GetValue(jobs), parse.GetValue(argFile), parse.GetValue(shell),
                    parse.GetValue(timeout), parse.GetValue(grace), parse.GetValue(retries), parse.GetValue(halt), parse.GetValue(delay));
                settings = settings with
                {
                    KeepOrder = parse.GetValue(keepOrder), Tag = parse.GetValue(tag), LineBuffer = parse.GetValue(lineBuffer),
                    JobLog = parse.GetValue(jobLog), Resume = parse.GetValue(resume), ResumeFailed = parse.GetValue(resumeFailed),
                    Progress = parse.GetValue(progress), Json = parse.GetValue(json),
                };
                if ((settings.Resume || settings.ResumeFailed) && settings.JobLog is null)
                    throw new RunInputException("--resume and --resume-failed need --joblog FILE");
                if (settings.Resume && settings.ResumeFailed)
                    throw new RunInputException("give --resume or --resume-failed, not both");
                // An unknown option lands in the command words (they take any token); refuse it unless -- came first.
                if (settings.TemplateWords.Count > 0 && settings.TemplateWords[0].StartsWith('-')
                    && !parse.Tokens.Any(t => t.Type == TokenType.DoubleDash))
                    throw new RunInputException($"unknown option '{settings.TemplateWords[0]}' (put -- before a command that starts with '-'; see yard run --help)");
                if (parse.GetValue(queue))
                {
                    if (notWithQueue.FirstOrDefault(o => parse.GetResult(o) is { Implicit: false }) is { } refused)
                        throw new RunInputException($"{refused.Name} cannot be used with --queue (the queue runs the jobs; see yard run --help)");
                }
                else if (parse.GetResult(db) is { Implicit: false })
                    throw new RunInputException("--db needs --queue");
                if (settings.TemplateWords.Count > 0) _ = new Template(settings.TemplateWords, settings.Shell); // refuse an empty template before reading input
            }
            catch (RunInputException e)
            {
                await error.WriteLineAsync($"yard run: {e.Message}").ConfigureAwait(false);
                return 1;
            }

            using var stdout = OutputSink.For(output, isStandardError: false);
            using var stderr = OutputSink.For(error, isStandardError: true);
            try
            {
                var summary = parse.GetValue(queue)
                    ? await new QueueRun(settings, parse.GetValue(db)!, Console.In, stdout, stderr, TimeProvider.System).RunAsync(cancellationToken).ConfigureAwait(false)
                    : await new RunEngine(settings, Console.In, stdout, stderr, TimeProvider.System).RunAsync(error, cancellationToken).ConfigureAwait(false);
                if (settings.Json)
                    lock (stdout.Gate)
                    {
                        stdout.Write(JsonSerializer.Serialize(summary, JsonOptions) + "\n");
                        stdout.Flush();
                    }
                return summary.ExitCode;
            }
            catch (RunInputException e)
            {
                await error.WriteLineAsync($"yard run: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private static RunSettings Settings(string[] words, string? jobs, string? argFile, bool shell, double? timeout, double grace,
        int retries, string? halt, double delay)
    {
        var template = new List<string>();
        var sources = new List<InputSource>();
        List<string>? list = null;
        var i = 0;
        for (; i < words.Length && words[i] is not (":::" or "::::"); i++) template.Add(words[i]);
        while (i < words.Length)
        {
            var file = words[i] == "::::";
            i++;
            list = [];
            for (; i < words.Length && words[i] is not (":::" or "::::"); i++) list.Add(words[i]);
            if (list.Count == 0) throw new RunInputException($"{(file ? "::::" : ":::")} must be followed by at least one {(file ? "file" : "argument")}");
            if (file)
            {
                foreach (var f in list)
                    sources.Add(File.Exists(f) ? new InputSource(null, f) : throw new RunInputException($":::: file '{f}' does not exist"));
            }
            else sources.Add(new InputSource(list, null));
        }
        if (argFile is not null && !File.Exists(argFile)) throw new RunInputException($"--arg-file '{argFile}' does not exist");
        if (argFile is not null && sources.Count > 0) throw new RunInputException("give --arg-file or ::: / ::::, not both");
        if (timeout is { } t && (t <= 0 || double.IsNaN(t))) throw new RunInputException($"--timeout must be a positive number of seconds (was {t})");
        if (grace < 0 || double.IsNaN(grace)) throw new RunInputException($"--kill-grace must be zero or more seconds (was {grace})");
        if (retries < 0) throw new RunInputException($"--retries must be zero or more (was {retries})");
        if (delay < 0 || double.IsNaN(delay)) throw new RunInputException($"--delay must be zero or more seconds (was {delay})");
        return new RunSettings
        {
            TemplateWords = template,
            Sources = sources,
            ArgFile = argFile,
            Jobs = ParseJobs(jobs),
            Shell = shell,
            Timeout = timeout is { } s ? TimeSpan.FromSeconds(s) : null,
            KillGrace = TimeSpan.FromSeconds(grace),
            Retries = retries,
            Halt = HaltPolicy.Parse(halt),
            Delay = TimeSpan.FromSeconds(delay),
        };
    }

    /// <summary>-j N or -j N% (of the cores, at least 1).</summary>
    internal static int ParseJobs(string? text)
    {
        if (text is null) return Environment.ProcessorCount;
        var percent = text.EndsWith('%');
        var number = percent ? text[..^1] : text;
        if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            throw new RunInputException($"-j must be a whole number of jobs ≥ 1 or a percentage of the cores such as 50% (was '{text}')");
        return percent ? Math.Max(1, (int)Math.Round(Environment.ProcessorCount * n / 100.0)) : n;
    }
}
