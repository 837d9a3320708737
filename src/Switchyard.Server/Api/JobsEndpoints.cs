using System.Globalization;
using System.Text.Json;
using Switchyard.Jobs;
using Switchyard.Jobs.Store;
using Switchyard.Server.Hosting;
using Switchyard.Server.Validation;

namespace Switchyard.Server.Api;

/// <summary>Submit, get, list, cancel, retry and purge jobs; list the registered kinds.</summary>
internal static class JobsEndpoints
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;
    public const int MaxSearchLength = 200;
    public const double DefaultPurgeAgeSeconds = 86400;
    public const double MaxPurgeAgeSeconds = 100.0 * 365 * 86400;

    public static void MapJobs(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/api/jobs").WithTags("Jobs");
        jobs.MapPost("/", Submit).WithName("SubmitJobs")
            .Accepts<SubmitJob>("application/json")
            .Produces<JobView>(StatusCodes.Status201Created).Produces<JobView>().Produces<SubmitBatchResult>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        jobs.MapGet("/{id:long}", Get).WithName("GetJob").Produces<JobView>().ProducesProblem(StatusCodes.Status404NotFound);
        jobs.MapGet("/", List).WithName("ListJobs").Produces<JobList>().ProducesValidationProblem();
        jobs.MapPost("/{id:long}/cancel", Cancel).WithName("CancelJob").Produces<CancelResult>().ProducesProblem(StatusCodes.Status404NotFound);
        jobs.MapPost("/{id:long}/retry", Retry).WithName("RetryJob").Produces<RetryResult>().ProducesProblem(StatusCodes.Status404NotFound);
        jobs.MapPost("/purge", Purge).WithName("PurgeJobs").Accepts<PurgeRequest>("application/json").Produces<PurgeResult>().ProducesValidationProblem();
        app.MapGet("/api/kinds", (QueueHost queue) => Results.Ok(queue.Handlers.Kinds.Order(StringComparer.Ordinal).ToList()))
            .WithName("ListKinds").WithTags("Jobs").Produces<List<string>>();
    }

    /// <summary>One job to submit (the OpenAPI shape of the body; the endpoint reads the JSON itself to name every bad field).</summary>
    internal sealed record SubmitJob(string Kind, JsonElement Payload, string? Queue, int? Priority, int? MaxAttempts,
        DateTimeOffset? RunAt, double? DelaySeconds, string? IdempotencyKey);

    internal sealed record SubmitBatchResult(IReadOnlyList<long> Ids, IReadOnlyList<JobView> Jobs);

    internal sealed record JobList(IReadOnlyList<JobView> Jobs, string? NextCursor);

    internal sealed record CancelResult(string Outcome, JobView Job);

    internal sealed record RetryResult(string Outcome, JobView Job);

    internal sealed record PurgeRequest(double? OlderThanSeconds);

    internal sealed record PurgeResult(int Purged);

    private static async Task<IResult> Submit(HttpRequest request, QueueHost queue, ServerOptions options, CancellationToken ct)
    {
        var body = await RequestBody.ReadJsonAsync(request, options.MaxRequestBytes, optional: false, ct);
        if (body.Problem is { } problem) return problem;
        using var document = body.Document!;
        var (requests, isBatch, errors) = JobSubmission.Parse(document.RootElement, queue.Client);
        if (errors.Count > 0) return Problems.Validation(errors);
        IReadOnlyList<EnqueueResult> results;
        try
        {
            results = await queue.Client.EnqueueManyAsync(requests, ct);
        }
        catch (JobValidationException e)
        {
            // Checked above; only a rule that depends on the store's state could still refuse.
            return Problems.Validation(e.Field ?? "body", e.Message);
        }
        var created = results.Any(r => r.Created);
        var status = created ? StatusCodes.Status201Created : StatusCodes.Status200OK;
        if (!isBatch)
        {
            var view = JobView.From(results[0].Job);
            return created ? Results.Created($"/api/jobs/{view.Id}", view) : Results.Ok(view);
        }
        return Results.Json(new SubmitBatchResult(results.Select(r => r.Job.Id).ToList(), results.Select(r => JobView.From(r.Job)).ToList()),
            statusCode: status);
    }

    private static async Task<IResult> Get(long id, QueueHost queue, CancellationToken ct) =>
        await queue.Client.GetAsync(id, ct) is { } job ? Results.Ok(JobView.From(job)) : Problems.NotFound(id);

    private static async Task<IResult> List(HttpRequest request, QueueHost queue, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var q = request.Query;
        List<JobState>? states = null;
        if (q["state"].ToString() is { Length: > 0 } stateText)
        {
            states = [];
            foreach (var name in stateText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (JobStates.TryParse(name, out var state)) states.Add(state);
                else errors["state"] = [$"'{name}' is not a state (known: {JobStates.Names})."];
            }
        }
        var limit = DefaultLimit;
        if (q["limit"].ToString() is { Length: > 0 } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit))
            errors["limit"] = [$"must be an integer from 1 to {MaxLimit} (got '{limitText}')."];
        long? before = null;
        if (q["cursor"].ToString() is { Length: > 0 } cursorText)
        {
            if (long.TryParse(cursorText, NumberStyles.None, CultureInfo.InvariantCulture, out var cursor) && cursor > 0) before = cursor;
            else errors["cursor"] = [$"must be a nextCursor this endpoint returned (got '{cursorText}')."];
        }
        var search = q["search"].ToString() is { Length: > 0 } s ? s : null;
        if (search is { Length: > MaxSearchLength })
            errors["search"] = [$"must be at most {MaxSearchLength} characters."];
        if (errors.Count > 0) return Problems.Validation(errors);

        var page = await queue.Client.QueryAsync(new JobQuery
        {
            States = states, Queue = NonEmpty(q["queue"]), Kind = NonEmpty(q["kind"]), Search = search, Limit = limit, Before = before,
        }, ct);
        return Results.Ok(new JobList(page.Jobs.Select(JobView.From).ToList(), page.NextCursor?.ToString(CultureInfo.InvariantCulture)));
    }

    private static string? NonEmpty(Microsoft.Extensions.Primitives.StringValues value) => value.ToString() is { Length: > 0 } text ? text : null;

    private static async Task<IResult> Cancel(long id, QueueHost queue, CancellationToken ct)
    {
        var outcome = await queue.Client.CancelAsync(id, ct);
        if (outcome == CancelOutcome.NotFound || await queue.Client.GetAsync(id, ct) is not { } job) return Problems.NotFound(id);
        return Results.Ok(new CancelResult(JsonNamingPolicy.CamelCase.ConvertName(outcome.ToString()), JobView.From(job)));
    }

    private static async Task<IResult> Retry(long id, QueueHost queue, CancellationToken ct)
    {
        var outcome = await queue.Client.RetryAsync(id, ct);
        if (outcome == RetryOutcome.NotFound || await queue.Client.GetAsync(id, ct) is not { } job) return Problems.NotFound(id);
        return Results.Ok(new RetryResult(JsonNamingPolicy.CamelCase.ConvertName(outcome.ToString()), JobView.From(job)));
    }

    private static async Task<IResult> Purge(HttpRequest request, QueueHost queue, ServerOptions options, CancellationToken ct)
    {
        var body = await RequestBody.ReadJsonAsync(request, options.MaxRequestBytes, optional: true, ct);
        if (body.Problem is { } problem) return problem;
        using var document = body.Document;
        var seconds = DefaultPurgeAgeSeconds;
        if (document is { RootElement: var root })
        {
            if (root.ValueKind != JsonValueKind.Object)
                return Problems.Validation("body", "must be an object such as {\"olderThanSeconds\": 86400}.");
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name != "olderThanSeconds")
                    return Problems.Validation(property.Name, "is not a known field (known: olderThanSeconds).");
                if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetDouble(out seconds) || seconds < 0 || seconds > MaxPurgeAgeSeconds)
                    return Problems.Validation("olderThanSeconds", $"must be a number of seconds from 0 to {MaxPurgeAgeSeconds}.");
            }
        }
        return Results.Ok(new PurgeResult(await queue.Client.PurgeAsync(TimeSpan.FromSeconds(seconds), ct)));
    }
}
