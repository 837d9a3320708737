namespace Switchyard.Jobs.Handlers.Http;

/// <summary>What an <c>http</c> job stores as its result.</summary>
/// <param name="Status">The response status code.</param>
/// <param name="Body">The response body, at most <see cref="HttpHandlerOptions.MaxBodyBytes"/> bytes.</param>
/// <param name="BodyBytes">The body's full length, in bytes.</param>
/// <param name="DurationMs">Wall time, in milliseconds.</param>
public sealed record HttpResult(int Status, string Body, long BodyBytes, double DurationMs);
