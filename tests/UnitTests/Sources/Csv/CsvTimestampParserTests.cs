using System.Globalization;
using Kasparro.Infrastructure.Sources.Csv;

namespace Kasparro.UnitTests.Sources.Csv;

public sealed class CsvTimestampParserTests
{
    private const string Column = "Date";

    [Theory]
    [InlineData("2013-04-28 00:00:00 UTC", "2013-04-28T00:00:00Z")]
    [InlineData("2013-04-29 23:59:59", "2013-04-29T23:59:59Z")]
    [InlineData("2024-03-01T10:20:30Z", "2024-03-01T10:20:30Z")]
    [InlineData("2024-03-01T10:20:30+02:00", "2024-03-01T08:20:30Z")]
    [InlineData("2024-03-01T10:20:30.1234567-0130", "2024-03-01T11:50:30.1234567Z")]
    [InlineData("2024-03-01 10:20:30 GMT", "2024-03-01T10:20:30Z")]
    [InlineData("2024-03-01", "2024-03-01T00:00:00Z")]
    [InlineData("2024/03/01 10:20", "2024-03-01T10:20:00Z")]
    [InlineData("1515230661", "2018-01-06T09:24:21Z")]
    [InlineData("999999999", "2001-09-09T01:46:39Z")]
    [InlineData("1515230661123", "2018-01-06T09:24:21.123Z")]
    [InlineData("Jan 14, 2020", "2020-01-14T00:00:00Z")]
    [InlineData("January 4, 2020", "2020-01-04T00:00:00Z")]
    [InlineData("14 Jan 2020", "2020-01-14T00:00:00Z")]
    [InlineData("20-11-2026", "2026-11-20T00:00:00Z")]
    [InlineData("29-04-13 23:59", "2013-04-29T23:59:00Z")]
    [InlineData("08/08/15 23:59", "2015-08-08T23:59:00Z")]
    [InlineData("11/20/2026", "2026-11-20T00:00:00Z")]
    [InlineData("01-02-2026", "2026-02-01T00:00:00Z")]
    [InlineData("05-06-70", "1970-06-05T00:00:00Z")]
    [InlineData("05-06-69", "2069-06-05T00:00:00Z")]
    [InlineData("05-06-00", "2000-06-05T00:00:00Z")]
    public void TryParse_ReadsEverySupportedFormatAsUtc(string text, string expected)
    {
        var parsed = CsvTimestampParser.TryParse(text, Column, new CsvFileConventions(), out var value, out var problem);

        problem.ShouldBeNull();
        parsed.ShouldBeTrue();
        value.ShouldBe(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
        value.Offset.ShouldBe(TimeSpan.Zero);
    }

    [Theory]
    [InlineData("09/08/15 23:59", "Date '09/08/15 23:59' is an ambiguous date: day-first or month-first? (no earlier row of this file has proven either)")]
    [InlineData("13/13/2020", "Date '13/13/2020' is not a date: neither of its first two numbers can be a month")]
    [InlineData("31/02/2020", "Date '31/02/2020' is not a valid calendar date")]
    [InlineData("2020-02-30", "Date '2020-02-30' is not a valid calendar date")]
    [InlineData("2020-01-01 25:00", "Date '2020-01-01 25:00' is not a valid time of day")]
    [InlineData("12345678", "Date '12345678' is a number but not a Unix time in seconds (9 or 10 digits) or milliseconds (13 digits)")]
    [InlineData("123456789012345678901234", "Date '123456789012345678901234' is a number but not a Unix time in seconds (9 or 10 digits) or milliseconds (13 digits)")]
    [InlineData("yesterday", "Date 'yesterday' is not a timestamp (expected ISO-8601, Unix seconds or milliseconds, 'Jan 14, 2020' or a day-month-year date)")]
    [InlineData("2020-01-01 10:00 PST", "Date '2020-01-01 10:00 PST' is not a timestamp (expected ISO-8601, Unix seconds or milliseconds, 'Jan 14, 2020' or a day-month-year date)")]
    [InlineData("0001-01-01T00:00:00+01:00", "Date '0001-01-01T00:00:00+01:00' is outside the range of representable dates")]
    [InlineData("20-11-202", "Date '20-11-202' is not a timestamp (expected ISO-8601, Unix seconds or milliseconds, 'Jan 14, 2020' or a day-month-year date)")]
    [InlineData("20-11/2026", "Date '20-11/2026' is not a timestamp (expected ISO-8601, Unix seconds or milliseconds, 'Jan 14, 2020' or a day-month-year date)")]
    public void TryParse_WhenAmbiguousOrUnreadable_GivesTheReasonWithColumnAndValue(string text, string expected)
    {
        var parsed = CsvTimestampParser.TryParse(text, Column, new CsvFileConventions(), out _, out var problem);

        parsed.ShouldBeFalse();
        problem.ShouldBe(expected);
    }

    [Fact]
    public void TryParse_OnceARowProvesDayFirst_ReadsLaterAmbiguousSlashDatesDayFirst()
    {
        var conventions = new CsvFileConventions();
        CsvTimestampParser.TryParse("09/08/15 23:59", Column, conventions, out _, out _).ShouldBeFalse();

        CsvTimestampParser.TryParse("13/08/15 23:59", Column, conventions, out _, out _).ShouldBeTrue();
        conventions.DateOrder.ShouldBe(DateOrder.DayFirst);

        CsvTimestampParser.TryParse("09/08/15 23:59", Column, conventions, out var later, out _).ShouldBeTrue();
        later.ShouldBe(new DateTimeOffset(2015, 8, 9, 23, 59, 0, TimeSpan.Zero));
    }

    [Fact]
    public void TryParse_OnceARowProvesMonthFirst_ReadsLaterAmbiguousDatesMonthFirst()
    {
        var conventions = new CsvFileConventions();
        CsvTimestampParser.TryParse("08/13/15", Column, conventions, out _, out _).ShouldBeTrue();

        conventions.DateOrder.ShouldBe(DateOrder.MonthFirst);
        CsvTimestampParser.TryParse("09-08-15", Column, conventions, out var later, out _).ShouldBeTrue();
        later.ShouldBe(new DateTimeOffset(2015, 9, 8, 0, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void TryParse_WhenDashDateIsAmbiguousBeforeAnyProof_ReadsItDayFirstWithoutProvingTheFile()
    {
        var conventions = new CsvFileConventions();

        CsvTimestampParser.TryParse("01-02-2026", Column, conventions, out var value, out _).ShouldBeTrue();

        value.ShouldBe(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero));
        conventions.DateOrder.ShouldBe(DateOrder.Unknown);
    }

    [Fact]
    public void TryParse_WhenAFileProvesBothOrders_RefusesItsAmbiguousDates()
    {
        var conventions = new CsvFileConventions();
        CsvTimestampParser.TryParse("13/01/2020", Column, conventions, out _, out _).ShouldBeTrue();
        CsvTimestampParser.TryParse("01/13/2020", Column, conventions, out _, out _).ShouldBeTrue();

        conventions.DateOrder.ShouldBe(DateOrder.Conflicting);
        CsvTimestampParser.TryParse("02-03-2020", Column, conventions, out _, out var problem).ShouldBeFalse();
        problem.ShouldBe("Date '02-03-2020' is an ambiguous date: this file has dates proven day-first and others proven month-first");
    }

    [Fact]
    public void TryParse_WhenProvenBefore_KeepsTheOrderGivenByTheCheckpoint()
    {
        var conventions = new CsvFileConventions(DateOrder.DayFirst);

        CsvTimestampParser.TryParse("02/03/2020", Column, conventions, out var value, out _).ShouldBeTrue();

        value.ShouldBe(new DateTimeOffset(2020, 3, 2, 0, 0, 0, TimeSpan.Zero));
    }
}
