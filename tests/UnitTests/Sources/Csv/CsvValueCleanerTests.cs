using System.Globalization;
using Kasparro.Infrastructure.Sources.Csv;

namespace Kasparro.UnitTests.Sources.Csv;

public sealed class CsvValueCleanerTests
{
    private const string Column = "market_cap";

    [Theory]
    [InlineData("$87,000", "87000")]
    [InlineData("8,746.6", "8746.6")]
    [InlineData("$39,979.12", "39979.12")]
    [InlineData("$750,391,502,193", "750391502193")]
    [InlineData("$1", "1")]
    [InlineData("1,500", "1500")]
    [InlineData("1.7T", "1700000000000")]
    [InlineData("541.43B", "541430000000")]
    [InlineData("1.38M", "1380000")]
    [InlineData("610.66K", "610660")]
    [InlineData("87.376B", "87376000000")]
    [InlineData("1.38 M", "1380000")]
    [InlineData("4800 USD", "4800")]
    [InlineData("4800USD", "4800")]
    [InlineData("USD 4800", "4800")]
    [InlineData("1.5E-9", "0.0000000015")]
    [InlineData("2.56298E+11", "256298000000")]
    [InlineData("9.722410112328183e-10", "0.0000000009722410112328183")]
    [InlineData("1575032004.0", "1575032004.0")]
    [InlineData("147.48800659179688", "147.48800659179688")]
    [InlineData(" 42 ", "42")]
    [InlineData("-$5", "-5")]
    [InlineData("$541.43B$541426059990", "541426059990")]
    [InlineData("$916898.83$916899", "916898.83")]
    public void Money_WhenUnambiguous_IsCleaned(string text, string expected)
    {
        var cleaned = CsvValueCleaner.Money(text, Column, new CsvFileConventions());

        cleaned.Problem.ShouldBeNull();
        cleaned.Value.ShouldBe(decimal.Parse(expected, NumberStyles.Float, CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("-")]
    [InlineData("--")]
    [InlineData("N/A")]
    [InlineData("n/a")]
    public void Money_WhenNoValue_IsNullWithoutProblem(string text)
    {
        var cleaned = CsvValueCleaner.Money(text, Column, new CsvFileConventions());

        cleaned.ShouldBe(CleanedValue.None);
        CsvValueCleaner.IsNoValue(text).ShouldBeTrue();
    }

    [Theory]
    [InlineData("14.748.800.659.179.600", "market_cap '14.748.800.659.179.600' is ambiguous: several '.' in one number (digits grouped by another locale?)")]
    [InlineData("$0.0...06606", "market_cap '$0.0...06606' has elided digits")]
    [InlineData("1,5", "market_cap '1,5' is ambiguous: ',' is not followed by groups of three digits, so it may be a decimal comma")]
    [InlineData("1,5000", "market_cap '1,5000' is ambiguous: ',' is not followed by groups of three digits, so it may be a decimal comma")]
    [InlineData("1234,567", "market_cap '1234,567' is ambiguous: ',' is not followed by groups of three digits, so it may be a decimal comma")]
    [InlineData("1.234,56", "market_cap '1.234,56' is ambiguous: ',' after '.' (a decimal comma of another locale?)")]
    [InlineData("18,769,587 BTC", "market_cap '18,769,587 BTC' is in BTC, not USD")]
    [InlineData("$19448658 X8X", "market_cap '$19448658 X8X' is in X8X, not USD")]
    [InlineData("$541.43B$541000000000", "market_cap '$541.43B$541000000000' holds two different numbers glued together ('541.43B' and '541000000000')")]
    [InlineData("$13349614736143 $NEUTR", "market_cap '$13349614736143 $NEUTR' holds two numbers glued together")]
    [InlineData("-79228162514264337593543950335$79228162514264337593543950335", "market_cap '-79228162514264337593543950335$79228162514264337593543950335' holds two different numbers glued together ('-79228162514264337593543950335' and '79228162514264337593543950335')")]
    [InlineData("abc", "market_cap 'abc' is not a number")]
    [InlineData("NaN", "market_cap 'NaN' is not a number")]
    [InlineData("7.83%", "market_cap '7.83%' is not a number")]
    [InlineData("12x", "market_cap '12x' has an unknown suffix 'x'")]
    [InlineData("1e999", "market_cap '1e999' is outside the representable range")]
    [InlineData("79228162514264337593543950335T", "market_cap '79228162514264337593543950335T' is too large")]
    public void Money_WhenAmbiguousOrNotUsd_IsAProblemNamingColumnAndValue(string text, string problem)
    {
        var cleaned = CsvValueCleaner.Money(text, Column, new CsvFileConventions());

        cleaned.Value.ShouldBeNull();
        cleaned.Problem.ShouldBe(problem);
    }

    [Theory]
    [InlineData("+2.01%", "2.01")]
    [InlineData("-0.02%", "-0.02")]
    [InlineData("7.83%", "7.83")]
    [InlineData("2.01 %", "2.01")]
    [InlineData("5.76", "5.76")]
    [InlineData("-9.23", "-9.23")]
    [InlineData("1,234.5%", "1234.5")]
    public void Percent_WhenUnambiguous_IsCleaned(string text, string expected)
    {
        var cleaned = CsvValueCleaner.Percent(text, "change %", new CsvFileConventions());

        cleaned.Problem.ShouldBeNull();
        cleaned.Value.ShouldBe(decimal.Parse(expected, NumberStyles.Float, CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("-", null)]
    [InlineData("", null)]
    [InlineData("up%", "change % 'up%' is not a number")]
    [InlineData("$2%", "change % '$2%' is not a number")]
    [InlineData("1,5%", "change % '1,5%' is ambiguous: ',' is not followed by groups of three digits, so it may be a decimal comma")]
    public void Percent_WhenNoValueOrUnreadable_IsNullWithTheProblemIfAny(string text, string? problem)
    {
        var cleaned = CsvValueCleaner.Percent(text, "change %", new CsvFileConventions());

        cleaned.Value.ShouldBeNull();
        cleaned.Problem.ShouldBe(problem);
    }

    [Fact]
    public void Money_AfterAFileGroupedDigitsWithDots_RefusesADotBeforeExactlyThreeDigits()
    {
        var conventions = new CsvFileConventions();
        CsvValueCleaner.Money("478.375", "Close", conventions).Value.ShouldBe(478.375m);

        CsvValueCleaner.Money("1.445.399.932.861.320", "Close", conventions).Problem.ShouldNotBeNull();

        conventions.GroupsDigitsWithDots.ShouldBeTrue();
        CsvValueCleaner.Money("478.375", "Close", conventions).Problem
            .ShouldBe("Close '478.375' is ambiguous: this file groups digits with '.', so '.' before three digits may not be a decimal point");
        CsvValueCleaner.Money("97.75", "Close", conventions).Value.ShouldBe(97.75m);
        CsvValueCleaner.Money("6.32696E+11", "Close", conventions).Value.ShouldBe(632_696_000_000m);
        CsvValueCleaner.Money("139", "Close", conventions).Value.ShouldBe(139m);
    }
}
