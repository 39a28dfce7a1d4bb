using System.Globalization;

namespace Kasparro.Application.Common.Queries;

/// <summary>
/// Parsing of query-string values as the API receives them (text), shared by validators and handlers so both agree on
/// what is valid. Every method returns false rather than throwing: a malformed value is a 400, never a 500.
/// </summary>
public static class QueryText
{
    private static readonly string[] TimestampFormats =
    [
        "yyyy-MM-dd",
        "yyyy-MM-ddTHH:mm",
        "yyyy-MM-ddTHH:mm:ss",
        "yyyy-MM-ddTHH:mm:ss.FFFFFFF",
        "yyyy-MM-ddTHH:mmK",
        "yyyy-MM-ddTHH:mm:ssK",
        "yyyy-MM-ddTHH:mm:ss.FFFFFFFK",
    ];

    /// <summary>An ISO-8601 date or date-time; without an offset it is UTC.</summary>
    public static bool TryParseTimestamp(string? text, out DateTimeOffset value)
    {
        value = default;
        return !string.IsNullOrWhiteSpace(text)
               && DateTimeOffset.TryParseExact(
                   text.Trim(), TimestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }

    /// <summary>A whole number in [min, max], digits only (no sign, no spaces, no exponent).</summary>
    public static bool TryParseInt(string? text, int min, int max, out int value)
    {
        value = 0;
        return text is { Length: > 0 and <= 10 }
               && text.All(char.IsAsciiDigit)
               && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value)
               && value >= min && value <= max;
    }

    /// <summary>A comma-separated list: items trimmed, empty items dropped, duplicates removed, order kept.</summary>
    public static IReadOnlyList<string> SplitList(string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? []
            : text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>A UUID in any of the usual text forms.</summary>
    public static bool TryParseGuid(string? text, out Guid value)
    {
        value = Guid.Empty;
        return !string.IsNullOrWhiteSpace(text) && Guid.TryParse(text.Trim(), out value);
    }
}
