namespace Switchyard.Samples.Crawler;

/// <summary>One page fetched: where it was, and the links its HTML holds (as written, not yet resolved).</summary>
public sealed record FetchedPage(Uri Uri, int Bytes, IReadOnlyList<string> Links);
