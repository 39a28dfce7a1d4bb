using Kasparro.Domain.Markets;

namespace Kasparro.UnitTests.Domain;

public sealed class UsdAmountTests
{
    [Theory]
    [InlineData("87000", "87000")]
    [InlineData("0.123456785", "0.12345679")]
    [InlineData("0.123456775", "0.12345678")]
    [InlineData("0.000000015", "0.00000002")]
    [InlineData("1.000000005", "1.00000001")]
    [InlineData("1.000000004999", "1.00000000")]
    public void Price_RoundsHalfAwayFromZeroToEightDecimals(string raw, string expected)
    {
        var price = UsdAmount.Price(decimal.Parse(raw, System.Globalization.CultureInfo.InvariantCulture));

        price.IsValid.ShouldBeTrue();
        price.Value.ShouldBe(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Price_WhenItWouldRoundToZero_KeepsEightSignificantDigits()
    {
        // 1.5E-9 rounds to 0 at 8 decimals; it must not show 0.
        var price = UsdAmount.Price(0.0000000015m);

        price.IsValid.ShouldBeTrue();
        price.Value.ShouldBe(0.0000000015m);
    }

    [Fact]
    public void Price_WhenTinyWithManyDigits_RoundsAtTheEighthSignificantDigit()
    {
        var price = UsdAmount.Price(0.000000000873086123456m);

        price.Value.ShouldBe(0.00000000087308612m);
    }

    [Fact]
    public void Price_WhenBelowEighteenDecimalsButRepresentable_KeepsWhatEighteenDecimalsHold()
    {
        var price = UsdAmount.Price(0.0000000000000012345678912m);

        price.Value.ShouldBe(0.000000000000001235m);
    }

    [Fact]
    public void Price_WhenBelowOneE18_IsRejected()
    {
        var price = UsdAmount.Price(0.0000000000000000001m);

        price.IsValid.ShouldBeFalse();
        price.Error.ShouldBe("price is below 1E-18 and cannot be represented");
    }

    [Fact]
    public void Price_WhenNegative_IsRejected()
    {
        UsdAmount.Price(-0.01m).Error.ShouldBe("price is negative");
    }

    [Fact]
    public void Price_WhenBeyondTheStoredRange_IsRejected()
    {
        UsdAmount.Price(100_000_000_000_000_000_000m).Error.ShouldBe("price is 1E20 or more, beyond any real asset's price");
        UsdAmount.Price(UsdAmount.MaxPrice).IsValid.ShouldBeTrue();
    }

    [Fact]
    public void Price_WhenZero_IsRejected()
    {
        UsdAmount.Price(0m).Error.ShouldBe("price is zero");
    }

    [Fact]
    public void Amount_WhenNegative_IsRejectedNamingTheField()
    {
        UsdAmount.Amount(-1m, "market cap").Error.ShouldBe("market cap is negative");
    }

    [Fact]
    public void Amount_WhenMissingOrZero_IsKept()
    {
        UsdAmount.Amount(null, "24h volume").Value.ShouldBeNull();
        UsdAmount.Amount(0m, "24h volume").Value.ShouldBe(0m);
    }
}
