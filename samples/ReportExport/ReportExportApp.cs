using System.Text.Json;
using Switchyard.Jobs;
using Switchyard.Jobs.Sqlite;
using Switchyard.Jobs.Store;

namespace Switchyard.Samples.ReportExport;

/// <summary>
/// The web app: <c>POST /reports</c> enqueues a build on the durable queue and answers 202 at once;
/// <c>GET /reports/{id}</c> shows its state and progress; <c>GET /reports/{id}/file</c> serves the CSV once built.
/// </summary>
internal static class ReportExportApp
{
    public static WebApplication Build(string[] args, ReportExportOptions? options = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);   // no line per request
        var defaults = options ?? new ReportExportOptions();
        var settings = new ReportExportOptions
        {
            Store = Path.GetFullPath(builder.Configuration["store"] ?? defaults.Store),
            Files = Path.GetFullPath(builder.Configuration["files"] ?? defaults.Files),
            Workers = defaults.Workers,
            AfterProgress = defaults.AfterProgress,
        };

        // Registered through factories, so the container owns them and disposes them when the app stops (in reverse
        // order: the worker before the store it uses).
        builder.Services.AddSingleton(_ => Lane.Cpu(new CpuLaneOptions { Name = "reports-cpu" }));
        builder.Services.AddSingleton(services => new ReportBuilder(services.GetRequiredService<Lane>(), settings.Files, settings.AfterProgress));
        builder.Services.AddSingleton(services => new JobHandlers().Add<ReportRequest>(ReportBuilder.Kind,
            services.GetRequiredService<ReportBuilder>().RunAsync, new HandlerOptions { MaxAttempts = 3 }));
        builder.Services.AddSingleton<IJobStore>(_ => SqliteJobStore.Open(new SqliteJobStoreOptions { Path = settings.Store }));
        builder.Services.AddSingleton(services => new JobClient(services.GetRequiredService<IJobStore>(),
            new JobClientOptions { Handlers = services.GetRequiredService<JobHandlers>() }));
        builder.Services.AddSingleton(services => new Worker(services.GetRequiredService<IJobStore>(), services.GetRequiredService<JobHandlers>(),
            new WorkerOptions { Concurrency = settings.Workers }));
        builder.Services.AddHostedService<WorkerService>();

        var app = builder.Build();
        StartupLog.Paths(app.Logger, settings.Store, settings.Files);
        app.MapPost("/reports", SubmitAsync);
        app.MapGet("/reports/{id:long}", StatusAsync);
        app.MapGet("/reports/{id:long}/file", FileAsync);
        return app;
    }

    private static async Task<IResult> SubmitAsync(ReportRequest? request, JobClient jobs, CancellationToken cancellationToken)
    {
        request ??= new ReportRequest();
        if (request.Problem() is var (field, rule))
            return Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [$"{field} {rule}."] });
        var job = (await jobs.EnqueueAsync(ReportBuilder.Kind, request, cancellationToken: cancellationToken)).Job;
        // 202: accepted, not done. The body and Location say where to watch it.
        return Results.Accepted($"/reports/{job.Id}", ReportStatus.Of(job));
    }

    private static async Task<IResult> StatusAsync(long id, JobClient jobs, CancellationToken cancellationToken) =>
        await FindAsync(jobs, id, cancellationToken) is { } job ? Results.Ok(ReportStatus.Of(job)) : NotFound(id);

    private static async Task<IResult> FileAsync(long id, JobClient jobs, ReportBuilder reports, CancellationToken cancellationToken)
    {
        var job = await FindAsync(jobs, id, cancellationToken);
        if (job is null)
            return NotFound(id);
        if (job.State != JobState.Succeeded)
            return Results.Problem($"Report {id} is {ReportStatus.Of(job).Status}, not built yet; GET /reports/{id} shows its progress.",
                statusCode: StatusCodes.Status409Conflict);
        var result = JsonSerializer.Deserialize<ReportResult>(job.Result!, JsonSerializerOptions.Web)!;
        return Results.File(Path.Combine(reports.Folder, result.File), "text/csv", result.File);
    }

    private static async Task<Job?> FindAsync(JobClient jobs, long id, CancellationToken cancellationToken) =>
        await jobs.GetAsync(id, cancellationToken) is { Kind: ReportBuilder.Kind } job ? job : null;

    private static IResult NotFound(long id) => Results.Problem($"There is no report {id}.", statusCode: StatusCodes.Status404NotFound);
}
