using System.Globalization;
using Kasparro.Domain.Common;

namespace Kasparro.Domain.Markets;

/// <summary>
/// Parses a number as text into <see cref="decimal"/> without passing through <see cref="double"/>:
/// plain and scientific notation (<c>1.5E-9</c>, <c>8.73086e-15</c>, <c>1.0e+15</c>), invariant culture.
/// NaN, infinities, values beyond decimal's range and non-zero values too small to represent are refused.
/// </summary>
public static class DecimalText
{
    private const NumberStyles Style = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;

    public static Validated<decimal> Parse(ReadOnlySpan<char> text)
    {
        var trimmed = text.Trim();
        if (trimmed.IsEmpty)
        {
            return Validated<decimal>.Fail("is empty");
        }

        if (IsNonFinite(trimmed))
        {
            return Validated<decimal>.Fail($"'{trimmed}' is not a finite number");
        }

        if (!decimal.TryParse(trimmed, Style, CultureInfo.InvariantCulture, out var value))
        {
            return HasOnlyNumberCharacters(trimmed)
                ? Validated<decimal>.Fail($"'{trimmed}' is outside the representable range")
                : Validated<decimal>.Fail($"'{trimmed}' is not a number");
        }

        if (value == 0m && HasNonZeroMantissa(trimmed))
        {
            return Validated<decimal>.Fail($"'{trimmed}' is too small to represent");
        }

        return Validated<decimal>.Ok(value);
    }

    private static bool IsNonFinite(ReadOnlySpan<char> text)
    {
        var body = text.TrimStart("+-");
        return body.Equals("nan", StringComparison.OrdinalIgnoreCase)
            || body.Equals("inf", StringComparison.OrdinalIgnoreCase)
            || body.Equals("infinity", StringComparison.OrdinalIgnoreCase)
            || body.Equals("∞", StringComparison.Ordinal);
    }

    private static bool HasOnlyNumberCharacters(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c) && c is not ('.' or 'e' or 'E' or '+' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasNonZeroMantissa(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is 'e' or 'E')
            {
                return false;
            }

            if (c is >= '1' and <= '9')
            {
                return true;
            }
        }

        return false;
    }
}
