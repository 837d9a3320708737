using System.Globalization;

namespace Switchyard.Jobs.Scheduling;

/// <summary>
/// A standard 5-field cron expression (minute, hour, day of month, month, day of week), evaluated in UTC.
/// Fields take <c>*</c>, numbers, ranges <c>a-b</c>, steps <c>*/n</c>, <c>a-b/n</c>, <c>a/n</c>, lists <c>a,b</c>,
/// month names (jan-dec) and day names (sun-sat; 0 and 7 are Sunday). When both day fields are restricted a day
/// matching either runs (Vixie cron's rule). Macros: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly.
/// Written by hand: no cron package is available from our package mirror.
/// </summary>
public sealed class CronExpression
{
    private static readonly string[] MonthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    private static readonly string[] DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    private readonly ulong _minutes;
    private readonly ulong _hours;
    private readonly ulong _days;
    private readonly ulong _months;
    private readonly ulong _weekdays;
    private readonly bool _daysRestricted;
    private readonly bool _weekdaysRestricted;

    private CronExpression(string text, ulong minutes, ulong hours, ulong days, ulong months, ulong weekdays, bool daysRestricted, bool weekdaysRestricted)
    {
        Text = text;
        _minutes = minutes;
        _hours = hours;
        _days = days;
        _months = months;
        _weekdays = weekdays;
        _daysRestricted = daysRestricted;
        _weekdaysRestricted = weekdaysRestricted;
    }

    /// <summary>The expression as written.</summary>
    public string Text { get; }

    /// <inheritdoc />
    public override string ToString() => Text;

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="JobValidationException">The expression is invalid; the message names the field and the rule.</exception>
    public static CronExpression Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var expanded = text.Trim().ToLowerInvariant() switch
        {
            "@yearly" or "@annually" => "0 0 1 1 *",
            "@monthly" => "0 0 1 * *",
            "@weekly" => "0 0 * * 0",
            "@daily" or "@midnight" => "0 0 * * *",
            "@hourly" => "0 * * * *",
            var other when other.StartsWith('@') => throw Invalid(text, $"unknown macro '{other}' (known: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)"),
            var other => other,
        };
        var fields = expanded.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5)
            throw Invalid(text, $"needs 5 fields (minute hour day-of-month month day-of-week), found {fields.Length}");
        var minutes = ParseField(text, fields[0], "minute", 0, 59, null);
        var hours = ParseField(text, fields[1], "hour", 0, 23, null);
        var days = ParseField(text, fields[2], "day-of-month", 1, 31, null);
        var months = ParseField(text, fields[3], "month", 1, 12, MonthNames);
        var weekdays = ParseField(text, fields[4], "day-of-week", 0, 7, DayNames);
        if ((weekdays & (1UL << 7)) != 0) weekdays = (weekdays | 1UL) & ~(1UL << 7); // 7 is Sunday too
        return new CronExpression(text, minutes, hours, days, months, weekdays, !fields[2].StartsWith('*'), !fields[4].StartsWith('*'));
    }

    /// <summary>Parses <paramref name="text"/>, or returns false with the reason in <paramref name="error"/>.</summary>
    public static bool TryParse(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CronExpression? expression, out string? error)
    {
        try
        {
            expression = Parse(text);
            error = null;
            return true;
        }
        catch (JobValidationException e)
        {
            expression = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>The first matching minute strictly after <paramref name="after"/> (UTC), or null if none within 5 years (e.g. "0 0 30 2 *").</summary>
    public DateTimeOffset? Next(DateTimeOffset after)
    {
        var utc = after.ToUniversalTime();
        var t = new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, TimeSpan.Zero).AddMinutes(1);
        var limit = t.AddYears(5);
        while (t < limit)
        {
            if (!Has(_months, t.Month))
                t = new DateTimeOffset(t.Year, t.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
            else if (!DayMatches(t))
                t = new DateTimeOffset(t.Year, t.Month, t.Day, 0, 0, 0, TimeSpan.Zero).AddDays(1);
            else if (!Has(_hours, t.Hour))
                t = new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, 0, 0, TimeSpan.Zero).AddHours(1);
            else if (!Has(_minutes, t.Minute))
                t = t.AddMinutes(1);
            else
                return t;
        }
        return null;
    }

    private bool DayMatches(DateTimeOffset t)
    {
        var day = Has(_days, t.Day);
        var weekday = Has(_weekdays, (int)t.DayOfWeek);
        return _daysRestricted && _weekdaysRestricted ? day || weekday : day && weekday;
    }

    private static bool Has(ulong set, int value) => (set & (1UL << value)) != 0;

    private static ulong ParseField(string text, string field, string name, int min, int max, string[]? names)
    {
        ulong set = 0;
        foreach (var item in field.Split(','))
        {
            if (item.Length == 0)
                throw Invalid(text, $"{name} field '{field}' has an empty list item");
            var slash = item.Split('/');
            if (slash.Length > 2)
                throw Invalid(text, $"{name} field item '{item}' has more than one '/'");
            var step = 1;
            if (slash.Length == 2)
            {
                step = Number(text, slash[1], name, 1, max - min + 1, null, "step");
            }
            int from, to;
            var range = slash[0];
            if (range == "*")
            {
                (from, to) = (min, max);
            }
            else if (range.Split('-') is [var a, var b])
            {
                from = Number(text, a, name, min, max, names, "value");
                to = Number(text, b, name, min, max, names, "value");
                if (from > to)
                    throw Invalid(text, $"{name} range '{range}' runs backwards");
            }
            else
            {
                from = Number(text, range, name, min, max, names, "value");
                // "a/n" means a, a+n, ... up to the field's maximum.
                to = slash.Length == 2 ? max : from;
            }
            for (var v = from; v <= to; v += step)
                set |= 1UL << v;
        }
        return set;
    }

    private static int Number(string text, string token, string name, int min, int max, string[]? names, string what)
    {
        if (names is not null)
        {
            var index = Array.IndexOf(names, token);
            if (index >= 0) return names == MonthNames ? index + 1 : index;
        }
        if (!int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            throw Invalid(text, $"{name} {what} '{token}' is not a number{(names is null ? "" : " or a name")}");
        if (value < min || value > max)
            throw Invalid(text, $"{name} {what} {value} is outside {min}-{max}");
        return value;
    }

    private static JobValidationException Invalid(string text, string rule) =>
        new("cron", $"'{text}' is not a valid cron expression: {rule}.", null);
}
