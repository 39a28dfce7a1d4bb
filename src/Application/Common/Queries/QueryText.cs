using System.Globalization;
using Kasparro.Domain.Markets;

namespace Kasparro.Application.Common.Queries;

/// <summary>
/// Parsing of query-string values as the API receives them (text) into <see cref="Parsed{T}"/> values. Nothing here
/// throws: a malformed value becomes an error for its parameter, and a 400 naming it.
/// </summary>
public static class QueryText
{
    public const string TimestampError = "must be an ISO-8601 date or date-time, e.g. 2026-11-20 or 2026-11-20T12:00:00Z";

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

    /// <summary>An ISO-8601 date or date-time; without an offset it is UTC. Absent: null.</summary>
    public static Parsed<DateTimeOffset?> Timestamp(string? text) =>
        text is null ? Parsed.Absent<DateTimeOffset?>(null)
        : !string.IsNullOrWhiteSpace(text) && DateTimeOffset.TryParseExact(
            text.Trim(), TimestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? Parsed.Valid<DateTimeOffset?>(value)
            : Parsed.Invalid<DateTimeOffset?>(null, TimestampError);

    /// <summary>A whole number in [min, max], digits only (no sign, no spaces, no exponent). Absent: <paramref name="absent"/>.</summary>
    public static Parsed<int> WholeNumber(string? text, int min, int max, int absent, string error) =>
        text is null ? Parsed.Absent(absent)
        : text is { Length: > 0 and <= 10 } && text.All(char.IsAsciiDigit)
          && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? Parsed.Valid(value)
            : Parsed.Invalid(absent, error);

    /// <summary>A UUID in any of the usual text forms; blank counts as absent.</summary>
    public static Parsed<Guid?> Uuid(string? text, string error) =>
        string.IsNullOrWhiteSpace(text) ? Parsed.Absent<Guid?>(null)
        : TryParseGuid(text, out var id) ? Parsed.Valid<Guid?>(id)
        : Parsed.Invalid<Guid?>(null, error);

    public static bool TryParseGuid(string? text, out Guid value)
    {
        value = System.Guid.Empty;
        return !string.IsNullOrWhiteSpace(text) && System.Guid.TryParse(text.Trim(), out value);
    }

    /// <summary>A comma-separated list: items trimmed, empty items dropped, duplicates removed, order kept.</summary>
    public static IReadOnlyList<string> SplitList(string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? []
            : text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The <c>source</c> parameter: one source or a comma list, each a known source (lower-cased).</summary>
    public static Parsed<IReadOnlyList<string>> Sources(string? text)
    {
        if (text is null)
        {
            return Parsed.Absent<IReadOnlyList<string>>([]);
        }

        var sources = SplitList(text).Select(s => s.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
        var errors = sources.Where(s => !SourceNames.IsKnown(s))
            .Select(unknown => $"'{Shorten(unknown)}' is not a source; known: {string.Join(", ", SourceNames.All)}")
            .ToArray();
        return errors.Length == 0 ? Parsed.Valid<IReadOnlyList<string>>(sources) : Parsed.Invalid<IReadOnlyList<string>>([], errors);
    }

    /// <summary>The <c>ticker</c> parameter: one ticker or a comma list, each unified (trimmed, upper-cased), at most <paramref name="max"/>.</summary>
    public static Parsed<IReadOnlyList<string>> Tickers(string? text, int max)
    {
        if (text is null)
        {
            return Parsed.Absent<IReadOnlyList<string>>([]);
        }

        var tickers = new List<string>();
        var errors = new List<string>();
        foreach (var item in SplitList(text))
        {
            var ticker = Ticker.Parse(item, TickerAliases.None);
            if (!ticker.IsValid)
            {
                errors.Add($"'{Shorten(item)}': {ticker.Error}");
            }
            else if (!tickers.Contains(ticker.Value!.Value, StringComparer.Ordinal))
            {
                tickers.Add(ticker.Value!.Value);
            }
        }

        if (tickers.Count > max)
        {
            errors.Add($"at most {max} tickers at once");
        }

        return errors.Count == 0 ? Parsed.Valid<IReadOnlyList<string>>(tickers) : Parsed.Invalid<IReadOnlyList<string>>([], [.. errors]);
    }

    /// <summary>A value echoed in an error message, cut at 40 characters.</summary>
    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
