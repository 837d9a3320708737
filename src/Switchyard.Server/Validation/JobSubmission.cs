using System.Globalization;
using System.Text.Json;
using Switchyard.Jobs;

namespace Switchyard.Server.Validation;

/// <summary>
/// Turns a POST /api/jobs body (one job object or an array of them) into checked <see cref="JobRequest"/>s. This checks what
/// only the HTTP shape knows (JSON types, unknown fields, ranges of numbers); kinds, queues, payloads and keys are then
/// checked by <see cref="JobClient"/>'s own rules, and their field names mapped to the API's.
/// </summary>
internal static class JobSubmission
{
    public const int MaxBatch = 1000;
    public const int MinPriority = -1000;
    public const int MaxPriority = 1000;
    public const int MaxAttemptsLimit = 1000;
    public const double MaxDelaySeconds = 366 * 86400;

    private static readonly HashSet<string> Fields = new(StringComparer.Ordinal)
    {
        "kind", "payload", "queue", "priority", "maxAttempts", "runAt", "delaySeconds", "idempotencyKey",
    };

    /// <summary>The requests, or the errors by field path (<c>kind</c>, <c>[2].priority</c>, <c>payload.argv</c>).</summary>
    public static (IReadOnlyList<JobRequest> Requests, bool IsBatch, Dictionary<string, string[]> Errors) Parse(JsonElement body, JobClient client)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var requests = new List<JobRequest>();
        switch (body.ValueKind)
        {
            case JsonValueKind.Object:
                Add(body, "", client, requests, errors);
                return (requests, false, errors);
            case JsonValueKind.Array:
                var count = body.GetArrayLength();
                if (count == 0) errors["body"] = ["must hold at least one job."];
                else if (count > MaxBatch) errors["body"] = [$"must hold at most {MaxBatch} jobs (got {count})."];
                else
                {
                    var i = 0;
                    foreach (var element in body.EnumerateArray())
                        Add(element, $"[{i++}]", client, requests, errors);
                }
                return (requests, true, errors);
            default:
                errors["body"] = ["must be a job object or an array of job objects."];
                return (requests, false, errors);
        }
    }

    private static void Add(JsonElement job, string prefix, JobClient client, List<JobRequest> requests, Dictionary<string, string[]> errors)
    {
        var before = errors.Count;
        if (job.ValueKind != JsonValueKind.Object)
        {
            errors[prefix.Length == 0 ? "body" : prefix] = ["must be a job object."];
            return;
        }
        void Fail(string field, string rule) => errors[Path(prefix, field)] = [rule];

        foreach (var property in job.EnumerateObject())
            if (!Fields.Contains(property.Name))
                Fail(property.Name, $"is not a known field (known: {string.Join(", ", Fields)}).");

        var kind = String(job, "kind", required: true, Fail);
        string? payload = null;
        if (!job.TryGetProperty("payload", out var payloadElement) || payloadElement.ValueKind is JsonValueKind.Null)
            Fail("payload", "is required: the job's input as JSON.");
        else
            payload = payloadElement.GetRawText();
        var queue = String(job, "queue", required: false, Fail);
        var idempotencyKey = String(job, "idempotencyKey", required: false, Fail);
        var priority = Integer(job, "priority", MinPriority, MaxPriority, Fail);
        var maxAttempts = Integer(job, "maxAttempts", 1, MaxAttemptsLimit, Fail);
        DateTimeOffset? runAt = null;
        if (String(job, "runAt", required: false, Fail) is { } runAtText)
        {
            if (DateTimeOffset.TryParse(runAtText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)) runAt = parsed;
            else Fail("runAt", $"must be an ISO-8601 date and time, such as 2026-01-01T12:00:00Z (got '{runAtText}').");
        }
        TimeSpan? delay = null;
        if (job.TryGetProperty("delaySeconds", out var delayElement) && delayElement.ValueKind is not JsonValueKind.Null)
        {
            if (delayElement.ValueKind != JsonValueKind.Number || !delayElement.TryGetDouble(out var seconds) || seconds < 0 || seconds > MaxDelaySeconds)
                Fail("delaySeconds", $"must be a number of seconds from 0 to {MaxDelaySeconds}.");
            else if (runAt is not null)
                Fail("delaySeconds", "cannot be combined with runAt.");
            else
                delay = TimeSpan.FromSeconds(seconds);
        }
        if (errors.Count > before) return;

        var request = new JobRequest(kind!, payload!, new JobOptions
        {
            Queue = queue, Priority = priority ?? 0, MaxAttempts = maxAttempts, RunAt = runAt, Delay = delay, IdempotencyKey = idempotencyKey,
        });
        try
        {
            client.Check(request);
            requests.Add(request);
        }
        catch (JobValidationException e)
        {
            var rule = e.Field is { } field && e.Message.StartsWith(field + ": ", StringComparison.Ordinal) ? e.Message[(field.Length + 2)..] : e.Message;
            Fail(ApiField(e.Field), rule);
        }
    }

    // JobClient names its own options; the API's body spells some differently, and a handler names fields inside the payload.
    private static string ApiField(string? field) => field switch
    {
        "kind" or "payload" or "queue" or "maxAttempts" => field,
        "key" => "idempotencyKey",
        "delay" => "delaySeconds",
        null => "payload",
        _ => "payload." + field,
    };

    private static string Path(string prefix, string field) => prefix.Length == 0 ? field : $"{prefix}.{field}";

    private static string? String(JsonElement job, string name, bool required, Action<string, string> fail)
    {
        if (!job.TryGetProperty(name, out var value) || value.ValueKind is JsonValueKind.Null)
        {
            if (required) fail(name, "is required (a string).");
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            fail(name, $"must be a string (got {value.ValueKind.ToString().ToLowerInvariant()}).");
            return null;
        }
        return value.GetString();
    }

    private static int? Integer(JsonElement job, string name, int min, int max, Action<string, string> fail)
    {
        if (!job.TryGetProperty(name, out var value) || value.ValueKind is JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= min && number <= max) return number;
        fail(name, $"must be an integer from {min} to {max}.");
        return null;
    }
}
