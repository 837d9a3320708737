using System.CommandLine;
using Switchyard.Samples.Crawler;

var pages = new Option<int>("--pages") { Description = "Pages in the generated site.", DefaultValueFactory = _ => new SiteOptions().Pages };
var slowEvery = new Option<int>("--slow-every") { Description = "Every Nth page hangs on its first request (0: none).", DefaultValueFactory = _ => new SiteOptions().SlowEvery };
var failEvery = new Option<int>("--fail-every") { Description = "Every Nth page answers 503 at first (0: none).", DefaultValueFactory = _ => new SiteOptions().FailEvery };
var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at most.", DefaultValueFactory = _ => new CrawlOptions().Concurrency };
var rate = new Option<int>("--rate") { Description = "Requests started per second per host (0: no limit).", DefaultValueFactory = _ => new CrawlOptions().RatePerHost };
var timeoutMs = new Option<int>("--timeout-ms") { Description = "Timeout of one attempt, in milliseconds.", DefaultValueFactory = _ => (int)new CrawlOptions().Timeout.TotalMilliseconds };
var retries = new Option<int>("--retries") { Description = "Retries of a page after a timeout or a 5xx answer.", DefaultValueFactory = _ => new CrawlOptions().Retries };

var root = new RootCommand("Crawls a generated site of linked pages served on 127.0.0.1, on Switchyard's Io lane.")
{
    pages, slowEvery, failEvery, concurrency, rate, timeoutMs, retries,
};
root.SetAction(async (parse, ct) =>
{
    try
    {
        return await CrawlerSample.RunAsync(
            new SiteOptions { Pages = parse.GetValue(pages), SlowEvery = parse.GetValue(slowEvery), FailEvery = parse.GetValue(failEvery) },
            new CrawlOptions
            {
                Concurrency = parse.GetValue(concurrency),
                RatePerHost = parse.GetValue(rate),
                Timeout = TimeSpan.FromMilliseconds(parse.GetValue(timeoutMs)),
                Retries = parse.GetValue(retries),
            },
            Console.Out, ct);
    }
    catch (ArgumentException e)
    {
        await Console.Error.WriteLineAsync(e.Message);
        return 1;
    }
});
return await root.Parse(args).InvokeAsync();
