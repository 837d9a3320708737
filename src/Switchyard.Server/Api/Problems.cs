namespace Switchyard.Server.Api;

/// <summary>The API's RFC 7807 answers (application/problem+json), so every error has one shape.</summary>
internal static class Problems
{
    public static IResult Validation(IDictionary<string, string[]> errors) =>
        Results.ValidationProblem(errors, title: "The request is not valid.",
            detail: string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));

    public static IResult Validation(string field, string rule) => Validation(new Dictionary<string, string[]> { [field] = [rule] });

    public static IResult NotFound(long id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"There is no job {id}.");

    public static IResult TooLarge(long limit) =>
        Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request too large",
            detail: $"The request body is larger than the limit of {limit} bytes.");
}
