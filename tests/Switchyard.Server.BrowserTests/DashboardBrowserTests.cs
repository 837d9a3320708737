using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Switchyard.Server.BrowserTests;

/// <summary>
/// The dashboard in a real browser (Debian's Chromium) against the real server: jobs submitted through the API appear
/// and change live, filters and search go to the server, a detail page cancels a running job, job data holding markup
/// stays text, and the throughput chart is drawn. Every wait is an expectation with a timeout.
/// </summary>
public sealed partial class DashboardBrowserTests : IClassFixture<DashboardFixture>
{
    // Generous: other builds share the 2 cores. Playwright polls; the limit only bounds a failure.
    private const float Patience = 30_000;

    private const string Markup = "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\">";

    private readonly DashboardFixture _fixture;

    static DashboardBrowserTests() => SetDefaultExpectTimeout(Patience);

    public DashboardBrowserTests(DashboardFixture fixture) => _fixture = fixture;

    private DashboardServer Server => _fixture.Server;

    [Fact]
    public async Task Jobs_appear_live_filter_and_search_on_the_server_and_a_running_job_is_cancelled_from_its_page()
    {
        const string queue = "browser-live";
        await using var session = await OpenAsync($"#/jobs?queue={queue}");
        var page = session.Page;
        await Expect(page.GetByTestId("view")).ToHaveAttributeAsync("data-loaded", "true");
        await Expect(page.Locator("#job-rows .empty-row")).ToBeVisibleAsync();
        await page.EvaluateAsync("() => { window.__samePage = true; }");

        var ids = await Server.SubmitAsync(
            new { kind = EchoHandler.KindName, queue, payload = new { tag = "alpha" } },
            new { kind = EchoHandler.KindName, queue, payload = new { tag = "needle-7d3f" } },
            new { kind = HoldHandler.KindName, queue, payload = new { tag = "hold-me" } });

        // Live: the rows arrive over the event stream and change state in place, with no reload.
        foreach (var id in ids)
            await Expect(Row(page, id)).ToBeVisibleAsync();
        await Expect(Row(page, ids[0]).GetByTestId("state")).ToHaveTextAsync("succeeded");
        await Expect(Row(page, ids[1]).GetByTestId("state")).ToHaveTextAsync("succeeded");
        await Expect(Row(page, ids[2]).GetByTestId("state")).ToHaveTextAsync("running");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__samePage === true"), "the page reloaded");

        // Search (server side): only the job whose payload holds the word.
        await page.GetByTestId("filter-search").FillAsync("needle-7d3f");
        await page.GetByTestId("filter-search").PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(SearchInUrl());
        await Expect(JobRows(page)).ToHaveCountAsync(1);
        await Expect(Row(page, ids[1])).ToBeVisibleAsync();

        // State filter: running and the search together match nothing; without the search, only the held job.
        await page.GetByTestId("filter-state").SelectOptionAsync("running");
        await Expect(page.Locator("#job-rows .empty-row")).ToBeVisibleAsync();
        await page.GetByTestId("filter-search").FillAsync("");
        await page.GetByTestId("filter-search").PressAsync("Enter");
        await Expect(JobRows(page)).ToHaveCountAsync(1);
        await Expect(Row(page, ids[2])).ToBeVisibleAsync();

        // The detail page: payload, progress, and a cancel that the page sees land live.
        await Row(page, ids[2]).GetByTestId("job-link").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"#/jobs/{ids[2]}$"));
        await Expect(page.GetByTestId("job-kind")).ToHaveTextAsync(HoldHandler.KindName);
        await Expect(page.GetByTestId("job-payload")).ToContainTextAsync("\"tag\": \"hold-me\"");
        await Expect(DetailState(page)).ToHaveTextAsync("running");
        await Expect(page.GetByTestId("job-progress")).ToHaveAttributeAsync("value", "50");
        await Expect(page.GetByTestId("job-fields")).ToContainTextAsync("holding until cancelled");

        await page.GetByTestId("cancel-job").ClickAsync();
        await Expect(page.GetByTestId("action-outcome")).ToHaveTextAsync(new Regex("^Cancel: (requested|cancelled)$"));
        await Expect(DetailState(page)).ToHaveTextAsync("cancelled");
        await Expect(page.GetByTestId("cancel-job")).ToBeDisabledAsync();
        await Expect(page.GetByTestId("retry-job")).ToBeEnabledAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => window.__samePage === true"), "the page reloaded");

        await page.ScreenshotAsync(new() { Path = Screenshots.PathFor("dashboard-job-cancelled.png"), FullPage = true });

        // Retry puts it back to work (live again), and it can be cancelled again.
        await page.GetByTestId("retry-job").ClickAsync();
        await Expect(page.GetByTestId("action-outcome")).ToHaveTextAsync("Retry: retried");
        await Expect(DetailState(page)).ToHaveTextAsync("running");
        await page.GetByTestId("cancel-job").ClickAsync();
        await Expect(DetailState(page)).ToHaveTextAsync("cancelled");
        session.AssertNoPageErrors();
    }

    [Fact]
    public async Task Keyset_paging_walks_to_older_jobs_and_back()
    {
        const string queue = "browser-paging";
        var ids = await Server.SubmitAsync(Enumerable.Range(1, 5).Select(i => (object)new { kind = EchoHandler.KindName, queue, payload = new { n = i } }).ToArray());
        await using var session = await OpenAsync($"#/jobs?queue={queue}&limit=2");
        var page = session.Page;

        // Newest first, two a page: [5 4] [3 2] [1].
        await Expect(JobRows(page)).ToHaveCountAsync(2);
        await Expect(Row(page, ids[4])).ToBeVisibleAsync();
        await Expect(Row(page, ids[3])).ToBeVisibleAsync();
        await Expect(page.GetByTestId("prev-page")).ToBeDisabledAsync();

        await page.GetByTestId("next-page").ClickAsync();
        await Expect(Row(page, ids[2])).ToBeVisibleAsync();
        await Expect(Row(page, ids[1])).ToBeVisibleAsync();
        await Expect(JobRows(page)).ToHaveCountAsync(2);

        await page.GetByTestId("next-page").ClickAsync();
        await Expect(Row(page, ids[0])).ToBeVisibleAsync();
        await Expect(JobRows(page)).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("next-page")).ToBeDisabledAsync();

        await page.GetByTestId("prev-page").ClickAsync();
        await Expect(Row(page, ids[2])).ToBeVisibleAsync();
        await page.GetByTestId("prev-page").ClickAsync();
        await Expect(Row(page, ids[4])).ToBeVisibleAsync();
        await Expect(page.GetByTestId("prev-page")).ToBeDisabledAsync();
        session.AssertNoPageErrors();
    }

    [Fact]
    public async Task Markup_in_job_data_is_shown_as_text_and_never_runs()
    {
        const string queue = "browser-markup";
        var ids = await Server.SubmitAsync(
            new { kind = EchoHandler.KindName, queue, payload = new { note = Markup } },
            new { kind = FailHandler.KindName, queue, payload = new { message = Markup } });
        await using var session = await OpenAsync($"#/jobs?queue={queue}");
        var page = session.Page;

        await Expect(Row(page, ids[0]).GetByTestId("state")).ToHaveTextAsync("succeeded");
        await Expect(Row(page, ids[1]).GetByTestId("state")).ToHaveTextAsync("dead");

        await Row(page, ids[0]).GetByTestId("job-link").ClickAsync();
        await Expect(page.GetByTestId("job-payload")).ToContainTextAsync("<script>window.__pwned = 1</script><img src=x onerror=");
        await Expect(page.GetByTestId("job-result")).ToContainTextAsync("<script>window.__pwned = 1</script>");
        await AssertNothingRanAsync(page);

        await page.GoBackAsync();
        await Row(page, ids[1]).GetByTestId("job-link").ClickAsync();
        await Expect(DetailState(page)).ToHaveTextAsync("dead");
        await Expect(page.GetByTestId("job-error")).ToHaveTextAsync("System.InvalidOperationException: " + Markup);
        await Expect(page.GetByTestId("job-stack")).ToContainTextAsync("Explode");
        await Expect(page.GetByTestId("job-attempt")).ToHaveTextAsync("1 of 1");
        await AssertNothingRanAsync(page);
        session.AssertNoPageErrors();
    }

    [Fact]
    public async Task Overview_shows_totals_the_throughput_chart_and_the_workers()
    {
        const string queue = "browser-overview";
        await using var session = await OpenAsync("#/");
        var page = session.Page;
        await Expect(page.GetByTestId("view")).ToHaveAttributeAsync("data-loaded", "true");

        await Server.SubmitAsync(Enumerable.Range(1, 5).Select(i => (object)new { kind = EchoHandler.KindName, queue, payload = new { n = i } })
            .Append(new { kind = FailHandler.KindName, queue, payload = new { message = "planned failure" } }).ToArray());

        // Totals and the chart follow the jobs live (the overview refreshes its stats on job events).
        await page.WaitForFunctionAsync(
            "n => Number(document.querySelector('[data-testid=tile-succeeded] .tile-count').textContent) >= n", 5,
            new() { Timeout = Patience });
        await page.WaitForFunctionAsync(
            "n => Number(document.querySelector('[data-testid=tile-dead] .tile-count').textContent) >= n", 1,
            new() { Timeout = Patience });
        await page.WaitForFunctionAsync("""
            () => {
              const chart = window.Chart.getChart('throughput-chart');
              const sum = (i) => chart.data.datasets[i].data.reduce((a, b) => a + b, 0);
              return chart && sum(0) >= 5 && sum(1) >= 1;
            }
            """, null, new() { Timeout = Patience });
        Assert.True(await page.EvaluateAsync<bool>("""
            () => {
              const canvas = document.getElementById('throughput-chart');
              const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
              for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
              return false;
            }
            """), "the chart's canvas is blank");
        await Expect(page.GetByTestId("workers").Locator("tr[data-worker-id]").First).ToBeVisibleAsync();

        await page.ScreenshotAsync(new() { Path = Screenshots.PathFor("dashboard-overview.png"), FullPage = true });
        session.AssertNoPageErrors();
    }

    [Fact]
    public async Task The_submit_form_enqueues_a_job_and_opens_it()
    {
        await using var session = await OpenAsync("#/submit");
        var page = session.Page;
        await Expect(page.Locator($"#submit-kind option[value='{EchoHandler.KindName}']")).ToHaveCountAsync(1);
        await page.GetByTestId("submit-kind").SelectOptionAsync(EchoHandler.KindName);
        await page.GetByTestId("submit-queue").FillAsync("browser-form");

        await page.GetByTestId("submit-payload").FillAsync("{ not json");
        await page.GetByTestId("submit-job").ClickAsync();
        await Expect(page.GetByTestId("submit-message")).ToContainTextAsync("payload: not valid JSON");

        await page.GetByTestId("submit-payload").FillAsync("""{ "from": "the form" }""");
        await page.GetByTestId("submit-job").ClickAsync();
        await Expect(page).ToHaveURLAsync(JobUrl());
        await Expect(DetailState(page)).ToHaveTextAsync("succeeded");
        await Expect(page.GetByTestId("job-result")).ToContainTextAsync("\"from\": \"the form\"");
        session.AssertNoPageErrors();
    }

    [Fact]
    public async Task Without_the_token_the_page_says_what_is_missing()
    {
        var context = await _fixture.Browser.Chromium.NewContextAsync();
        await using var session = new PageSession(context, await context.NewPageAsync());
        var page = session.Page;
        page.SetDefaultTimeout(Patience);
        await page.GotoAsync(new Uri(Server.BaseAddress, "/#/jobs").ToString());

        await Expect(page.GetByTestId("error")).ToContainTextAsync("Unauthorized: open the dashboard with ?token=");
        await Expect(page.GetByTestId("live-status")).ToHaveTextAsync("offline");
        await Expect(JobRows(page)).ToHaveCountAsync(0);
    }

    private async Task<PageSession> OpenAsync(string hash)
    {
        var context = await _fixture.Browser.Chromium.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var session = new PageSession(context, await context.NewPageAsync());
        session.Page.SetDefaultTimeout(Patience);
        // The token arrives in the address once, as a user would paste it; the page keeps it and drops it from the address.
        await session.Page.GotoAsync(new Uri(Server.BaseAddress, $"/?token={DashboardServer.Token}{hash}").ToString());
        await Expect(session.Page.GetByTestId("live-status")).ToHaveTextAsync("live");
        await Expect(session.Page).Not.ToHaveURLAsync(new Regex("token="));
        return session;
    }

    private static async Task AssertNothingRanAsync(IPage page)
    {
        await Expect(page.Locator("#view script, #view img, #view [onerror]")).ToHaveCountAsync(0);
        Assert.True(await page.EvaluateAsync<bool>("() => window.__pwned === undefined"), "markup from job data ran");
    }

    private static ILocator Row(IPage page, long id) => page.Locator($"#job-rows tr[data-job-id='{id}']");

    private static ILocator JobRows(IPage page) => page.Locator("#job-rows tr[data-job-id]");

    private static ILocator DetailState(IPage page) => page.Locator("#job-detail [data-testid=state]");

    [GeneratedRegex("search=needle-7d3f")]
    private static partial Regex SearchInUrl();

    [GeneratedRegex(@"#/jobs/\d+$")]
    private static partial Regex JobUrl();

    /// <summary>A browser context and its page; collects uncaught script errors and console errors (CSP refusals among them).</summary>
    private sealed class PageSession : IAsyncDisposable
    {
        private readonly IBrowserContext _context;
        private readonly List<string> _errors = [];

        public PageSession(IBrowserContext context, IPage page)
        {
            _context = context;
            Page = page;
            page.PageError += (_, error) => { lock (_errors) _errors.Add("page error: " + error); };
            page.Console += (_, message) =>
            {
                if (message.Type == "error")
                    lock (_errors) _errors.Add("console: " + message.Text);
            };
        }

        public IPage Page { get; }

        public void AssertNoPageErrors()
        {
            lock (_errors)
                Assert.True(_errors.Count == 0, string.Join("\n", _errors));
        }

        public ValueTask DisposeAsync() => new(_context.CloseAsync());
    }
}
