using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Kasparro.Infrastructure.Sources.Csv;

/// <summary>
/// Reads the timestamps of CSV files as UTC instants:
/// ISO-8601 with or without an offset (<c>2024-03-01T10:20:30Z</c>, <c>2013-04-29 23:59:59</c>, <c>2013-04-28 00:00:00 UTC</c>);
/// Unix time in seconds (9–10 digits) or milliseconds (13 digits); <c>Jan 14, 2020</c>; and day/month/year dates
/// with <c>-</c> or <c>/</c> and a two- or four-digit year last (<c>20-11-2026</c>, <c>08/08/15 23:59</c>).
/// A time without a zone is UTC. Two-digit years 00–69 are 20xx, 70–99 are 19xx.
/// Day/month order: a first number above 12 proves day-first, a second above 12 proves month-first, and the proof
/// holds for the rest of the file (<see cref="CsvFileConventions"/>). Before any proof, a date whose both numbers
/// are 12 or less is read day-first when written with <c>-</c> (the European convention) and refused when written
/// with <c>/</c>, where both conventions are common.
/// </summary>
public static class CsvTimestampParser
{
    private const string NotATimestamp =
        "is not a timestamp (expected ISO-8601, Unix seconds or milliseconds, 'Jan 14, 2020' or a day-month-year date)";

    private static readonly string[] MonthNameFormats =
        ["MMM d, yyyy", "MMMM d, yyyy", "MMM d yyyy", "MMMM d yyyy", "d MMM yyyy", "d MMMM yyyy", "d-MMM-yyyy"];

    public static bool TryParse(
        ReadOnlySpan<char> text, string column, CsvFileConventions conventions, out DateTimeOffset value, [NotNullWhen(false)] out string? problem)
    {
        ArgumentNullException.ThrowIfNull(conventions);
        var trimmed = text.Trim();
        value = default;
        problem = null;
        if (trimmed.IsEmpty)
        {
            problem = $"{column} is empty";
            return false;
        }

        string? reason;
        if (trimmed.IndexOfAnyExceptInRange('0', '9') < 0)
        {
            reason = UnixTime(trimmed, out value);
        }
        else if (trimmed.Length >= 8 && IsDigits(trimmed[..4]) && trimmed[4] is '-' or '/')
        {
            reason = YearFirst(trimmed, out value);
        }
        else if (char.IsAsciiDigit(trimmed[0]) && !StartsWithDayAndMonthName(trimmed))
        {
            reason = YearLast(trimmed, conventions, out value);
        }
        else
        {
            reason = MonthName(trimmed, out value);
        }

        if (reason is null)
        {
            return true;
        }

        problem = $"{column} '{trimmed}' {reason}";
        return false;
    }

    private static string? UnixTime(ReadOnlySpan<char> digits, out DateTimeOffset value)
    {
        value = default;
        if (digits.Length is not (9 or 10 or 13))
        {
            return "is a number but not a Unix time in seconds (9 or 10 digits) or milliseconds (13 digits)";
        }

        var number = long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        value = digits.Length == 13 ? DateTimeOffset.FromUnixTimeMilliseconds(number) : DateTimeOffset.FromUnixTimeSeconds(number);
        return null;
    }

    /// <summary><c>yyyy-MM-dd</c> or <c>yyyy/MM/dd</c>, then an optional time and zone.</summary>
    private static string? YearFirst(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        var cursor = new Cursor(text);
        var separator = text[4];
        if (!cursor.Number(4, 4, out var year) || !cursor.Skip(separator) || !cursor.Number(1, 2, out var month)
            || !cursor.Skip(separator) || !cursor.Number(1, 2, out var day))
        {
            return NotATimestamp;
        }

        return TimeAndZone(ref cursor, year, month, day, out value);
    }

    /// <summary><c>dd-MM-yyyy</c>, <c>MM/dd/yy</c> and the like, ordered by what the file has proven.</summary>
    private static string? YearLast(ReadOnlySpan<char> text, CsvFileConventions conventions, out DateTimeOffset value)
    {
        value = default;
        var cursor = new Cursor(text);
        if (!cursor.Number(1, 2, out var first) || cursor.AtEnd || cursor.Current is not ('-' or '/'))
        {
            return NotATimestamp;
        }

        var separator = cursor.Current;
        _ = cursor.Skip(separator);
        if (!cursor.Number(1, 2, out var second) || !cursor.Skip(separator) || !cursor.Digits(out var yearStart, out var yearDigits)
            || yearDigits is not (2 or 4))
        {
            return NotATimestamp;
        }

        var year = int.Parse(text.Slice(yearStart, yearDigits), NumberStyles.None, CultureInfo.InvariantCulture);
        if (yearDigits == 2)
        {
            year += year < 70 ? 2000 : 1900;
        }

        DateOrder order;
        if (first > 12 && second > 12)
        {
            return "is not a date: neither of its first two numbers can be a month";
        }
        else if (first > 12)
        {
            order = DateOrder.DayFirst;
        }
        else if (second > 12)
        {
            order = DateOrder.MonthFirst;
        }
        else if (first == second)
        {
            order = DateOrder.DayFirst; // Same date either way.
        }
        else
        {
            switch (conventions.DateOrder)
            {
                case DateOrder.DayFirst or DateOrder.MonthFirst:
                    order = conventions.DateOrder;
                    break;
                case DateOrder.Conflicting:
                    return "is an ambiguous date: this file has dates proven day-first and others proven month-first";
                case DateOrder.Unknown when separator == '-':
                    order = DateOrder.DayFirst;
                    break;
                default:
                    return "is an ambiguous date: day-first or month-first? (no earlier row of this file has proven either)";
            }
        }

        var (day, month) = order == DateOrder.DayFirst ? (first, second) : (second, first);
        var reason = TimeAndZone(ref cursor, year, month, day, out value);
        if (reason is null && (first > 12 || second > 12))
        {
            conventions.ProveDateOrder(order);
        }

        return reason;
    }

    private static string? MonthName(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        if (!DateTime.TryParseExact(
                text, MonthNameFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date))
        {
            return NotATimestamp;
        }

        value = new DateTimeOffset(date, TimeSpan.Zero);
        return null;
    }

    /// <summary>After the date: nothing, or <c>T</c>/space and <c>HH:mm[:ss[.fff]]</c>, then an optional zone.</summary>
    private static string? TimeAndZone(ref Cursor cursor, int year, int month, int day, out DateTimeOffset value)
    {
        value = default;
        if (month is < 1 or > 12 || day < 1 || year is < 1 or > 9999 || day > DateTime.DaysInMonth(year, month))
        {
            return "is not a valid calendar date";
        }

        int hour = 0, minute = 0, second = 0;
        long ticks = 0;
        if (!cursor.AtEnd && cursor.Current is 'T' or ' ' && cursor.NextIsDigit)
        {
            _ = cursor.Skip(cursor.Current);
            if (!cursor.Number(1, 2, out hour) || !cursor.Skip(':') || !cursor.Number(2, 2, out minute))
            {
                return NotATimestamp;
            }

            if (cursor.Skip(':') && !cursor.Number(2, 2, out second))
            {
                return NotATimestamp;
            }

            if (cursor.Skip('.') && !cursor.Fraction(out ticks))
            {
                return NotATimestamp;
            }

            if (hour > 23 || minute > 59 || second > 59)
            {
                return "is not a valid time of day";
            }
        }

        if (!cursor.Zone(out var offset))
        {
            return NotATimestamp;
        }

        try
        {
            var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(ticks);
            value = new DateTimeOffset(local, offset).ToUniversalTime();
            return null;
        }
        catch (ArgumentOutOfRangeException)
        {
            return "is outside the range of representable dates";
        }
    }

    private static bool IsDigits(ReadOnlySpan<char> text) => text.IndexOfAnyExceptInRange('0', '9') < 0;

    /// <summary><c>14 Jan 2020</c>, <c>14-Jan-2020</c>: a day, then a month name.</summary>
    private static bool StartsWithDayAndMonthName(ReadOnlySpan<char> text)
    {
        var afterDay = text.IndexOfAnyExceptInRange('0', '9');
        return afterDay > 0 && afterDay + 1 < text.Length && char.IsAsciiLetter(text[afterDay + 1]);
    }

    /// <summary>A forward reader over the characters of one timestamp.</summary>
    private ref struct Cursor
    {
        private readonly ReadOnlySpan<char> text;
        private int position;

        public Cursor(ReadOnlySpan<char> text) => this.text = text;

        public readonly bool AtEnd => position >= text.Length;

        public readonly char Current => text[position];

        public readonly bool NextIsDigit => position + 1 < text.Length && char.IsAsciiDigit(text[position + 1]);

        public bool Skip(char expected)
        {
            if (AtEnd || text[position] != expected)
            {
                return false;
            }

            position++;
            return true;
        }

        public bool Number(int minDigits, int maxDigits, out int value)
        {
            value = 0;
            var start = position;
            while (!AtEnd && position - start < maxDigits && char.IsAsciiDigit(text[position]))
            {
                value = (value * 10) + (text[position] - '0');
                position++;
            }

            return position - start >= minDigits;
        }

        public bool Digits(out int start, out int count)
        {
            start = position;
            while (!AtEnd && char.IsAsciiDigit(text[position]))
            {
                position++;
            }

            count = position - start;
            return count > 0;
        }

        /// <summary>Fractional seconds, up to 7 digits kept (100 ns ticks); further digits are truncated.</summary>
        public bool Fraction(out long ticks)
        {
            ticks = 0;
            if (!Digits(out var start, out var count))
            {
                return false;
            }

            var scale = 1_000_000L;
            for (var i = 0; i < Math.Min(count, 7); i++)
            {
                ticks += (text[start + i] - '0') * scale;
                scale /= 10;
            }

            return true;
        }

        /// <summary>Nothing (UTC), <c>Z</c>, <c>UTC</c>/<c>GMT</c>, or <c>+HH:mm</c> / <c>+HHmm</c> / <c>+HH</c>, with an optional space before.</summary>
        public bool Zone(out TimeSpan offset)
        {
            offset = TimeSpan.Zero;
            _ = Skip(' ');
            if (AtEnd)
            {
                return true;
            }

            var rest = text[position..];
            if (rest is "Z" or "z" || rest.Equals("UTC", StringComparison.OrdinalIgnoreCase) || rest.Equals("GMT", StringComparison.OrdinalIgnoreCase))
            {
                position = text.Length;
                return true;
            }

            if (Current is not ('+' or '-'))
            {
                return false;
            }

            var sign = Current == '-' ? -1 : 1;
            position++;
            if (!Number(2, 2, out var hours))
            {
                return false;
            }

            var minutes = 0;
            if (!AtEnd)
            {
                _ = Skip(':');
                if (!Number(2, 2, out minutes))
                {
                    return false;
                }
            }

            if (!AtEnd || hours > 14 || minutes > 59)
            {
                return false;
            }

            offset = sign * new TimeSpan(hours, minutes, 0);
            return true;
        }
    }
}
