using Kasparro.Domain.Markets;

namespace Kasparro.UnitTests.Domain;

public sealed class DecimalTextTests
{
    [Theory]
    [InlineData("1.5E-9", "0.0000000015")]
    [InlineData("8.73086e-15", "0.00000000000000873086")]
    [InlineData("1.0e+15", "1000000000000000")]
    [InlineData("2.56298E+11", "256298000000")]
    [InlineData("76134", "76134")]
    [InlineData(" 0.99976 ", "0.99976")]
    [InlineData("-2.6801779e-11", "-0.000000000026801779")]
    [InlineData("419999999999998976", "419999999999998976")]
    public void Parse_ReadsPlainAndScientificNotationExactly(string text, string expected)
    {
        var parsed = DecimalText.Parse(text);

        parsed.IsValid.ShouldBeTrue();
        parsed.Value.ShouldBe(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("nan")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("+inf")]
    public void Parse_WhenNotFinite_IsRejected(string text)
    {
        var parsed = DecimalText.Parse(text);

        parsed.IsValid.ShouldBeFalse();
        parsed.Error.ShouldBe($"'{text}' is not a finite number");
    }

    [Fact]
    public void Parse_WhenBeyondDecimalRange_SaysSo()
    {
        DecimalText.Parse("1.9026007997779706e+37").Error.ShouldBe("'1.9026007997779706e+37' is outside the representable range");
    }

    [Fact]
    public void Parse_WhenTooSmallToRepresent_SaysSoInsteadOfReturningZero()
    {
        DecimalText.Parse("5.6e-40").Error.ShouldBe("'5.6e-40' is too small to represent");
    }

    [Fact]
    public void Parse_WhenZeroInScientificNotation_ReturnsZero()
    {
        DecimalText.Parse("0.0e-5").Value.ShouldBe(0m);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("1,5")]
    public void Parse_WhenNotANumber_IsRejected(string text)
    {
        DecimalText.Parse(text).IsValid.ShouldBeFalse();
    }
}
