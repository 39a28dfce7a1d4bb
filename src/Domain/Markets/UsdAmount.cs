using Kasparro.Domain.Common;

namespace Kasparro.Domain.Markets;

/// <summary>
/// The money rules. Prices are rounded half away from zero to <see cref="PriceDecimals"/> places; a non-zero
/// price that would round to zero keeps <see cref="SignificantDigits"/> significant digits, up to
/// <see cref="MaxDecimals"/> decimals, so no listed asset shows 0. Amounts (market cap, volume) are never negative.
/// </summary>
public static class UsdAmount
{
    public const int PriceDecimals = 8;
    public const int SignificantDigits = 8;
    public const int MaxDecimals = 18;

    /// <summary>Prices are stored as numeric(38,18): twenty integer digits at most.</summary>
    public const decimal MaxPrice = 99_999_999_999_999_999_999.99999999m;

    public static Validated<decimal> Price(decimal raw)
    {
        if (raw < 0m)
        {
            return Validated<decimal>.Fail("price is negative");
        }

        if (raw == 0m)
        {
            return Validated<decimal>.Fail("price is zero");
        }

        if (raw > MaxPrice)
        {
            return Validated<decimal>.Fail("price is 1E20 or more, beyond any real asset's price");
        }

        var rounded = Math.Round(raw, PriceDecimals, MidpointRounding.AwayFromZero);
        if (rounded != 0m)
        {
            return Validated<decimal>.Ok(rounded);
        }

        var decimals = DecimalsForSignificantDigits(raw, SignificantDigits);
        if (decimals > MaxDecimals)
        {
            // Keep as many significant digits as 18 decimals allow; below 1E-18 nothing is left to show.
            decimals = MaxDecimals;
        }

        var small = Math.Round(raw, decimals, MidpointRounding.AwayFromZero);
        return small == 0m
            ? Validated<decimal>.Fail($"price is below 1E-{MaxDecimals} and cannot be represented")
            : Validated<decimal>.Ok(small);
    }

    /// <summary>A market cap, volume or similar amount: optional, never negative, stored as given.</summary>
    public static Validated<decimal?> Amount(decimal? raw, string field)
    {
        if (raw is < 0m)
        {
            return Validated<decimal?>.Fail($"{field} is negative");
        }

        return Validated<decimal?>.Ok(raw);
    }

    /// <summary>The number of decimals that keeps <paramref name="digits"/> significant digits of a value below 1.</summary>
    private static int DecimalsForSignificantDigits(decimal positive, int digits)
    {
        var leadingZeros = 0;
        var scaled = positive;
        while (scaled < 0.1m)
        {
            scaled *= 10m;
            leadingZeros++;
        }

        return leadingZeros + digits;
    }
}
