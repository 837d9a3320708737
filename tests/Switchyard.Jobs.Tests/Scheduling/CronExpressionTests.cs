using Switchyard.Jobs.Scheduling;

namespace Switchyard.Jobs.Tests.Scheduling;

public sealed class CronExpressionTests
{
    private static DateTimeOffset T(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("* * * * *", "2026-11-21T12:00:30Z", "2026-11-21T12:01:00Z")]
    [InlineData("* * * * *", "2026-11-21T12:00:00Z", "2026-11-21T12:01:00Z")] // strictly after
    [InlineData("*/15 * * * *", "2026-11-21T12:01:00Z", "2026-11-21T12:15:00Z")]
    [InlineData("*/15 * * * *", "2026-11-21T12:45:00Z", "2026-11-21T13:00:00Z")]
    [InlineData("5 4 * * *", "2026-11-21T04:05:00Z", "2026-11-22T04:05:00Z")]
    [InlineData("0 0 1 1 *", "2026-06-01T00:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData("@yearly", "2026-06-01T00:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData("@hourly", "2026-11-21T12:00:00Z", "2026-11-21T13:00:00Z")]
    [InlineData("@weekly", "2026-11-21T12:00:00Z", "2026-11-22T00:00:00Z")] // 2026-11-22 is a Sunday
    [InlineData("@monthly", "2026-12-15T00:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData("0 9 * * mon-fri", "2026-11-21T10:00:00Z", "2026-11-23T09:00:00Z")] // Saturday -> Monday
    [InlineData("0 9 * * 1-5/2", "2026-11-23T10:00:00Z", "2026-11-25T09:00:00Z")] // Mon, Wed, Fri
    [InlineData("0 0 * * 7", "2026-11-21T12:00:00Z", "2026-11-22T00:00:00Z")] // 7 is Sunday
    [InlineData("0 0 * * SUN", "2026-11-21T12:00:00Z", "2026-11-22T00:00:00Z")]
    [InlineData("30 2 29 feb *", "2026-03-01T00:00:00Z", "2028-02-29T02:30:00Z")] // next leap day
    [InlineData("0 0 31 * *", "2026-11-01T00:00:00Z", "2026-12-31T00:00:00Z")] // November has no 31st
    [InlineData("0 0 13 * 5", "2026-11-21T00:00:00Z", "2026-11-27T00:00:00Z")] // day 13 OR Friday (Vixie rule)
    [InlineData("0 0 13 * *", "2026-11-21T00:00:00Z", "2026-12-13T00:00:00Z")]
    [InlineData("0 12 * 1,6 *", "2026-07-01T00:00:00Z", "2027-01-01T12:00:00Z")]
    [InlineData("10-20/5 8 * * *", "2026-11-21T08:11:00Z", "2026-11-21T08:15:00Z")]
    [InlineData("7/20 * * * *", "2026-11-21T08:28:00Z", "2026-11-21T08:47:00Z")] // 7, 27, 47
    [InlineData("59 23 31 12 *", "2026-12-31T23:59:00Z", "2027-12-31T23:59:00Z")]
    [InlineData("0 0 * * *", "2026-11-21T23:59:59+02:00", "2026-11-22T00:00:00Z")] // offsets become UTC
    public void Next_finds_the_first_matching_minute_after_the_time(string cron, string after, string expected)
    {
        Assert.Equal(T(expected), CronExpression.Parse(cron).Next(T(after)));
    }

    [Fact]
    public void An_impossible_date_has_no_next_time()
    {
        Assert.Null(CronExpression.Parse("0 0 30 2 *").Next(T("2026-01-01T00:00:00Z")));
    }

    [Fact]
    public void Next_times_of_a_step_walk_the_whole_day()
    {
        var cron = CronExpression.Parse("0 */6 * * *");
        var t = T("2026-11-21T00:00:00Z");
        var seen = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            t = cron.Next(t)!.Value;
            seen.Add(t.Hour);
        }
        Assert.Equal([6, 12, 18, 0], seen);
    }

    [Fact]
    public void Next_agrees_with_a_brute_force_scan_of_every_minute()
    {
        // Property check: for a spread of expressions and start times, Next equals the first minute a naive
        // field-by-field match accepts.
        string[] expressions = ["*/7 3-5 * * *", "0 0 1,15 * 1", "15 */2 10-20 * *", "0 12 * 2 0,6", "*/30 * 1 * wed"];
        var random = new Random(7);
        foreach (var text in expressions)
        {
            var cron = CronExpression.Parse(text);
            for (var n = 0; n < 20; n++)
            {
                var start = T("2026-01-01T00:00:00Z").AddMinutes(random.Next(0, 60 * 24 * 365));
                var expected = start.AddSeconds(-start.Second).AddMinutes(1);
                while (!NaiveMatch(text, expected)) expected = expected.AddMinutes(1);
                Assert.Equal(expected, cron.Next(start));
            }
        }
    }

    private static bool NaiveMatch(string text, DateTimeOffset t)
    {
        var f = text.Split(' ');
        static bool In(string field, int value, int min, int max)
        {
            foreach (var item in field.Split(','))
            {
                var parts = item.Split('/');
                var step = parts.Length == 2 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : 1;
                var names = new[] { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };
                int Num(string s) => Array.IndexOf(names, s) is var i and >= 0 ? i : int.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
                var (lo, hi) = parts[0] == "*" ? (min, max) : parts[0].Contains('-') ? (Num(parts[0].Split('-')[0]), Num(parts[0].Split('-')[1])) : (Num(parts[0]), parts.Length == 2 ? max : Num(parts[0]));
                if (value >= lo && value <= hi && (value - lo) % step == 0) return true;
            }
            return false;
        }
        var dom = In(f[2], t.Day, 1, 31);
        var dow = In(f[4], (int)t.DayOfWeek, 0, 6);
        var day = f[2] != "*" && f[4] != "*" ? dom || dow : dom && dow;
        return In(f[0], t.Minute, 0, 59) && In(f[1], t.Hour, 0, 23) && In(f[3], t.Month, 1, 12) && day;
    }

    [Theory]
    [InlineData("", "needs 5 fields")]
    [InlineData("* * * *", "needs 5 fields (minute hour day-of-month month day-of-week), found 4")]
    [InlineData("* * * * * *", "found 6")]
    [InlineData("60 * * * *", "minute value 60 is outside 0-59")]
    [InlineData("* 24 * * *", "hour value 24 is outside 0-23")]
    [InlineData("* * 0 * *", "day-of-month value 0 is outside 1-31")]
    [InlineData("* * * 13 *", "month value 13 is outside 1-12")]
    [InlineData("* * * * 8", "day-of-week value 8 is outside 0-7")]
    [InlineData("*/0 * * * *", "minute step 0 is outside 1-60")]
    [InlineData("5-1 * * * *", "minute range '5-1' runs backwards")]
    [InlineData("a * * * *", "minute value 'a' is not a number")]
    [InlineData("1,,2 * * * *", "has an empty list item")]
    [InlineData("1/2/3 * * * *", "more than one '/'")]
    [InlineData("* * * foo *", "month value 'foo' is not a number or a name")]
    [InlineData("-1 * * * *", "minute value '' is not a number")]
    [InlineData("@every5m", "unknown macro '@every5m'")]
    public void Invalid_expressions_are_refused_with_the_field_and_the_rule(string cron, string rule)
    {
        var error = Assert.Throws<JobValidationException>(() => CronExpression.Parse(cron));
        Assert.Equal("cron", error.Field);
        Assert.Contains(rule, error.Message, StringComparison.Ordinal);
        Assert.False(CronExpression.TryParse(cron, out _, out var message));
        Assert.Equal(error.Message, message);
    }
}
