namespace Kasparro.Application.Quotes;

/// <summary>What <c>GET /v1/data</c> selects: which quotes, in which order, and which page of them.</summary>
/// <remarks>
/// A page is either <see cref="Offset"/> rows in, or the rows after <see cref="After"/> (keyset: the position of the
/// previous page's last row). Keyset pages cost the same however deep they are; offsets are capped for that reason.
/// </remarks>
public sealed record QuoteSpecification(QuoteFilter Filter, QuoteSort Sort, int Limit, int Offset, QuotePosition? After)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    /// <summary>Deeper pages than this go by cursor: an offset makes the database walk every row before it.</summary>
    public const int MaxOffset = 10_000;
}

/// <summary>The filters; empty lists and nulls mean "any".</summary>
public sealed record QuoteFilter(
    IReadOnlyList<string> Tickers,
    Guid? AssetId,
    IReadOnlyList<string> Sources,
    DateTimeOffset? From,
    DateTimeOffset? To)
{
    public static QuoteFilter None { get; } = new([], null, [], null, null);

    /// <summary>A short stable text of the filter; a cursor carries it so it cannot be replayed under other filters.</summary>
    public string Fingerprint()
    {
        var text = string.Join(
            '|',
            string.Join(',', Tickers.Order(StringComparer.Ordinal)),
            AssetId?.ToString("N") ?? string.Empty,
            string.Join(',', Sources.Order(StringComparer.Ordinal)),
            From?.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
            To?.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty);
        return Common.Queries.OpaqueCursor.Fingerprint(text);
    }
}

/// <summary>The column a page is ordered by. Ties are broken by (source, source asset id, observed_at), the key.</summary>
public enum QuoteSortField
{
    ObservedAt,
    PriceUsd,
    MarketCapUsd,
    Ticker,
}

/// <summary>A sort as the API spells it: <c>-observed_at</c> (the default), <c>price_usd</c>, <c>-market_cap_usd</c>...</summary>
public sealed record QuoteSort(QuoteSortField Field, bool Descending)
{
    public static QuoteSort Default { get; } = new(QuoteSortField.ObservedAt, true);

    /// <summary>Every value <c>sort</c> accepts, as the CONTRACT lists them.</summary>
    public static IReadOnlyList<string> Accepted { get; } =
        ["-observed_at", "observed_at", "price_usd", "-price_usd", "market_cap_usd", "-market_cap_usd", "ticker", "-ticker"];

    public static bool TryParse(string? text, out QuoteSort sort)
    {
        sort = Default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        var trimmed = text.Trim();
        var descending = trimmed.StartsWith('-');
        QuoteSortField? field = (descending ? trimmed[1..] : trimmed) switch
        {
            "observed_at" => QuoteSortField.ObservedAt,
            "price_usd" => QuoteSortField.PriceUsd,
            "market_cap_usd" => QuoteSortField.MarketCapUsd,
            "ticker" => QuoteSortField.Ticker,
            _ => null,
        };
        if (field is null)
        {
            return false;
        }

        sort = new QuoteSort(field.Value, descending);
        return true;
    }

    public override string ToString()
    {
        var name = Field switch
        {
            QuoteSortField.PriceUsd => "price_usd",
            QuoteSortField.MarketCapUsd => "market_cap_usd",
            QuoteSortField.Ticker => "ticker",
            _ => "observed_at",
        };
        return Descending ? "-" + name : name;
    }
}

/// <summary>
/// Where a keyset page starts: the sort column's value of the last row returned (null for a NULL market cap), and
/// that row's key. The next page holds the rows strictly after it in the page's order.
/// </summary>
public sealed record QuotePosition(QuoteSortValue Value, string Source, string SourceAssetId, DateTimeOffset ObservedAt);

/// <summary>The sort column's value at a position: one of a timestamp, a decimal (maybe null) or a text.</summary>
public readonly record struct QuoteSortValue(DateTimeOffset? Timestamp, decimal? Number, string? Text);
