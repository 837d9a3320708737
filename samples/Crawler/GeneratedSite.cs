using System.Globalization;
using System.Net;
using System.Text;

namespace Switchyard.Samples.Crawler;

/// <summary>
/// The pages of the generated site: deterministic HTML whose links reach every page from <c>/page/0</c>
/// (each page links to the next), plus the things a real crawler meets: the same page linked twice,
/// absolute and relative links, fragments, and a link to another host that must not be followed.
/// </summary>
internal static class GeneratedSite
{
    public const string ExternalHost = "elsewhere.invalid";

    public static IEnumerable<string> Links(int page, int pages)
    {
        static string P(long n, int pages) => "/page/" + (n % pages).ToString(CultureInfo.InvariantCulture);
        yield return P(page + 1L, pages);
        yield return P(page * 31L + 7, pages);
        yield return P((long)page * page + 3, pages);
        yield return P(page / 2, pages);
        yield return P(page + 1L, pages) + "#top";               // a fragment: the same page
        yield return "../page/" + ((page * 7L + 1) % pages);     // relative to /page/N
        yield return $"http://{ExternalHost}/page/{page}";        // another host: not followed
    }

    public static string Html(int page, int pages)
    {
        var html = new StringBuilder(1024);
        html.Append(CultureInfo.InvariantCulture, $"<!DOCTYPE html><html><head><title>Page {page}</title></head><body>");
        html.Append(CultureInfo.InvariantCulture, $"<h1 id=\"top\">Page {page} of {pages}</h1><p>Some text about page {page}.</p><ul>");
        foreach (var href in Links(page, pages))
            html.Append("<li><a href=\"").Append(WebUtility.HtmlEncode(href)).Append("\">").Append(WebUtility.HtmlEncode(href)).Append("</a></li>");
        html.Append("</ul><a name=\"anchor-only\">no href</a></body></html>");
        return html.ToString();
    }
}
