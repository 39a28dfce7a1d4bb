using System.Buffers;
using Kasparro.Domain.Markets;

namespace Kasparro.Infrastructure.Sources.Csv;

/// <summary>A cleaned CSV value: a number, no value at all (both <c>null</c>), or the reason it cannot be read.</summary>
public readonly record struct CleanedValue(decimal? Value, string? Problem)
{
    public static CleanedValue None => default;

    internal static CleanedValue Of(decimal value) => new(value, null);

    internal static CleanedValue Fail(string problem) => new(null, problem);
}

/// <summary>
/// Reads the numbers of hand-made and scraped CSV files. What has one reading is cleaned: <c>$87,000</c>,
/// <c>8,746.6</c>, <c>1.7T</c> / <c>541.43B</c> / <c>1.38M</c> / <c>610.66K</c>, <c>4800 USD</c>, <c>+2.01%</c>,
/// <c>1.5E-9</c>. What has several is refused with a reason naming the column and the value: several dots
/// (<c>14.748.800.659</c>), a comma not followed by groups of three digits (<c>1,5</c>), elided digits
/// (<c>$0.0...06606</c>), another currency (<c>18,769,587 BTC</c>), two different figures glued together.
/// <c>-</c>, <c>--</c>, <c>N/A</c> and empty mean no value. Numbers never pass through <see cref="double"/>.
/// </summary>
public static class CsvValueCleaner
{
    private const int StackLimit = 128;
    private static readonly SearchValues<char> NumberCharacters = SearchValues.Create("0123456789.,");

    public static bool IsNoValue(ReadOnlySpan<char> text)
    {
        var value = text.Trim();
        return value.IsEmpty
            || value is "-"
            || value is "--"
            || value.Equals("N/A", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>An amount in US dollars: a price, a market cap, a volume.</summary>
    public static CleanedValue Money(ReadOnlySpan<char> text, string column, CsvFileConventions conventions)
    {
        ArgumentNullException.ThrowIfNull(conventions);
        var value = text.Trim();
        if (IsNoValue(value))
        {
            return CleanedValue.None;
        }

        var body = value;
        var negative = false;
        if (body.Length > 1 && body[0] is '+' or '-' && body[1] == '$')
        {
            negative = body[0] == '-';
            body = body[1..];
        }

        if (body[0] == '$')
        {
            body = body[1..].TrimStart();
        }
        else if (body.Length > 3 && body.StartsWith("USD", StringComparison.OrdinalIgnoreCase) && !char.IsAsciiLetter(body[3]))
        {
            body = body[3..].TrimStart();
        }

        if (body.EndsWith("USD", StringComparison.OrdinalIgnoreCase))
        {
            body = body[..^3].TrimEnd();
        }

        var glued = body.IndexOf('$');
        if (glued >= 0)
        {
            return Glued(body[..glued], body[(glued + 1)..], value, column, conventions, negative);
        }

        var problem = SplitSuffix(body, value, column, out var number, out var multiplier);
        if (problem is not null)
        {
            return CleanedValue.Fail(problem);
        }

        problem = ParseNumber(number, value, column, conventions, out var parsed);
        return problem is null ? Scale(parsed, multiplier, negative, value, column) : CleanedValue.Fail(problem);
    }

    /// <summary>A percentage, with or without its <c>%</c> sign and with an optional leading <c>+</c>.</summary>
    public static CleanedValue Percent(ReadOnlySpan<char> text, string column, CsvFileConventions conventions)
    {
        ArgumentNullException.ThrowIfNull(conventions);
        var value = text.Trim();
        if (IsNoValue(value))
        {
            return CleanedValue.None;
        }

        var body = value.EndsWith('%') ? value[..^1].TrimEnd() : value;
        var problem = ParseNumber(body, value, column, conventions, out var parsed);
        return problem is null ? CleanedValue.Of(parsed) : CleanedValue.Fail(problem);
    }

    /// <summary>
    /// Two figures glued together, as scraped: <c>$541.43B$541426059990</c> (abbreviated, then in full) or
    /// <c>$916898.83$916899</c> (to the cent, then rounded). When each is the other rounded to the digits it shows,
    /// they are one amount and the more precise figure is taken; otherwise they are two different numbers.
    /// </summary>
    private static CleanedValue Glued(
        ReadOnlySpan<char> first, ReadOnlySpan<char> second, ReadOnlySpan<char> value, string column, CsvFileConventions conventions, bool negative)
    {
        if (!TryFigure(first.Trim(), value, column, conventions, out var firstAmount, out var firstStep)
            || !TryFigure(second.Trim(), value, column, conventions, out var secondAmount, out var secondStep))
        {
            return CleanedValue.Fail($"{column} '{value}' holds two numbers glued together");
        }

        if (!AgreeWithin(firstAmount, secondAmount, Math.Max(firstStep, secondStep)))
        {
            return CleanedValue.Fail($"{column} '{value}' holds two different numbers glued together ('{first}' and '{second}')");
        }

        var amount = firstStep <= secondStep ? firstAmount : secondAmount;
        return CleanedValue.Of(negative ? -amount : amount);
    }

    /// <summary>Whether two figures differ by at most half a unit of the last digit shown by the less precise one.</summary>
    private static bool AgreeWithin(decimal first, decimal second, decimal step)
    {
        try
        {
            return Math.Abs(first - second) * 2m <= step;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    /// <summary>One plain figure, with an optional K/M/B/T suffix, and the value of one unit in its last digit shown.</summary>
    private static bool TryFigure(
        ReadOnlySpan<char> figure, ReadOnlySpan<char> value, string column, CsvFileConventions conventions, out decimal amount, out decimal step)
    {
        amount = 0m;
        step = 0m;
        if (SplitSuffix(figure, value, column, out var number, out var multiplier) is not null
            || number.ContainsAny('e', 'E')
            || ParseNumber(number, value, column, conventions, out var parsed) is not null)
        {
            return false;
        }

        var dot = number.IndexOf('.');
        step = multiplier;
        for (var decimals = dot < 0 ? 0 : number.Length - dot - 1; decimals > 0; decimals--)
        {
            step /= 10m;
        }

        try
        {
            amount = parsed * multiplier;
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    /// <summary>Splits a trailing K/M/B/T multiplier off; another trailing word is a unit other than USD.</summary>
    private static string? SplitSuffix(ReadOnlySpan<char> body, ReadOnlySpan<char> value, string column, out ReadOnlySpan<char> number, out decimal multiplier)
    {
        var end = body.Length;
        while (end > 0 && char.IsAsciiLetter(body[end - 1]))
        {
            end--;
        }

        var letters = body[end..];
        number = body[..end].TrimEnd();
        multiplier = 1m;
        var lastWord = body.LastIndexOfAny(' ', '\t');
        if (lastWord >= 0 && body[(lastWord + 1)..].ContainsAnyExceptInRange('0', '9') && number.ContainsAnyInRange('0', '9'))
        {
            // "18,769,587 BTC", "$19448658 X8X": a separate word after the number is its unit.
            var unit = body[(lastWord + 1)..];
            if (unit.Length > 1 || unit[0] is not ('K' or 'M' or 'B' or 'T'))
            {
                return $"{column} '{value}' is in {unit}, not USD";
            }
        }

        if (letters.IsEmpty)
        {
            return null;
        }

        if (!number.ContainsAnyInRange('0', '9') || (letters.Length == 1 && letters[0] is 'e' or 'E'))
        {
            return $"{column} '{value}' is not a number";
        }

        if (letters.Length == 1)
        {
            multiplier = letters[0] switch
            {
                'K' => 1_000m,
                'M' => 1_000_000m,
                'B' => 1_000_000_000m,
                'T' => 1_000_000_000_000m,
                _ => 0m,
            };

            return multiplier == 0m ? $"{column} '{value}' has an unknown suffix '{letters}'" : null;
        }

        return $"{column} '{value}' is in {letters}, not USD";
    }

    /// <summary>A plain or scientific number with optional thousands commas, checked for ambiguous separators.</summary>
    private static string? ParseNumber(ReadOnlySpan<char> number, ReadOnlySpan<char> value, string column, CsvFileConventions conventions, out decimal parsed)
    {
        parsed = 0m;
        if (number.Contains("...", StringComparison.Ordinal) || number.Contains('…'))
        {
            return $"{column} '{value}' has elided digits";
        }

        if (!HasNumberShape(number))
        {
            return $"{column} '{value}' is not a number";
        }

        var exponent = number.IndexOfAny('e', 'E');
        var mantissa = exponent < 0 ? number : number[..exponent];
        if (mantissa.Count('.') > 1)
        {
            conventions.ProveDotGrouping();
            return $"{column} '{value}' is ambiguous: several '.' in one number (digits grouped by another locale?)";
        }

        var dot = mantissa.IndexOf('.');
        if (conventions.GroupsDigitsWithDots && exponent < 0 && dot > 0 && mantissa.Length - dot - 1 == 3)
        {
            return $"{column} '{value}' is ambiguous: this file groups digits with '.', so '.' before three digits may not be a decimal point";
        }

        var commas = mantissa.Count(',');
        if (commas == 0)
        {
            return Parse(number, value, column, out parsed);
        }

        if (dot >= 0 && mantissa[dot..].Contains(','))
        {
            return $"{column} '{value}' is ambiguous: ',' after '.' (a decimal comma of another locale?)";
        }

        if (!IsThousandsGrouping(dot < 0 ? mantissa : mantissa[..dot]))
        {
            return $"{column} '{value}' is ambiguous: ',' is not followed by groups of three digits, so it may be a decimal comma";
        }

        var length = number.Length - commas;
        Span<char> digits = length <= StackLimit ? stackalloc char[length] : new char[length];
        var at = 0;
        foreach (var c in number)
        {
            if (c != ',')
            {
                digits[at++] = c;
            }
        }

        return Parse(digits, value, column, out parsed);
    }

    private static string? Parse(ReadOnlySpan<char> number, ReadOnlySpan<char> value, string column, out decimal parsed)
    {
        var result = DecimalText.Parse(number);
        parsed = result.Value;
        if (result.IsValid)
        {
            return null;
        }

        // DecimalText names the value first ("'1e99' is outside ..."): keep only what it says about it.
        var reason = result.Error!;
        var said = reason.StartsWith('\'') ? reason.IndexOf("' ", 1, StringComparison.Ordinal) : -1;
        return $"{column} '{value}' {(said > 0 ? reason[(said + 2)..] : reason)}";
    }

    /// <summary>Digits with at most a leading sign, separators <c>.</c> and <c>,</c>, and an exponent.</summary>
    private static bool HasNumberShape(ReadOnlySpan<char> number)
    {
        var body = number.Length > 0 && number[0] is '+' or '-' ? number[1..] : number;
        var exponent = body.IndexOfAny('e', 'E');
        var mantissa = exponent < 0 ? body : body[..exponent];
        if (!mantissa.ContainsAnyInRange('0', '9') || mantissa.IndexOfAnyExcept(NumberCharacters) >= 0)
        {
            return false;
        }

        if (exponent < 0)
        {
            return true;
        }

        var power = body[(exponent + 1)..];
        if (power.Length > 0 && power[0] is '+' or '-')
        {
            power = power[1..];
        }

        return power.Length > 0 && power.IndexOfAnyExceptInRange('0', '9') < 0;
    }

    /// <summary><c>1,234,567</c>: a first group of one to three digits, then groups of exactly three.</summary>
    private static bool IsThousandsGrouping(ReadOnlySpan<char> integer)
    {
        if (integer.Length > 0 && integer[0] is '+' or '-')
        {
            integer = integer[1..];
        }

        var first = true;
        foreach (var range in integer.Split(','))
        {
            var length = range.End.GetOffset(integer.Length) - range.Start.GetOffset(integer.Length);
            if (first ? length is < 1 or > 3 : length != 3)
            {
                return false;
            }

            first = false;
        }

        return true;
    }

    private static CleanedValue Scale(decimal parsed, decimal multiplier, bool negative, ReadOnlySpan<char> value, string column)
    {
        try
        {
            var scaled = parsed * multiplier;
            return CleanedValue.Of(negative ? -scaled : scaled);
        }
        catch (OverflowException)
        {
            return CleanedValue.Fail($"{column} '{value}' is too large");
        }
    }
}
