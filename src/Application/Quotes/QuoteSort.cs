namespace Kasparro.Application.Quotes;

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

    /// <summary>Every value <c>sort</c> accepts.</summary>
    public static IReadOnlyList<string> Accepted { get; } =
        ["-observed_at", "observed_at", "price_usd", "-price_usd", "market_cap_usd", "-market_cap_usd", "ticker", "-ticker"];

    /// <summary>The sort a text names; blank is the default.</summary>
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
public sealed record QuotePosition(QuoteSortValue Value, string Source, string SourceAssetId, DateTimeOffset ObservedAt)
{
    /// <summary>The position of a row under a sort.</summary>
    public static QuotePosition Of(QuoteDto row, QuoteSortField field)
    {
        ArgumentNullException.ThrowIfNull(row);
        var value = field switch
        {
            QuoteSortField.PriceUsd => new QuoteSortValue(null, row.PriceUsd, null),
            QuoteSortField.MarketCapUsd => new QuoteSortValue(null, row.MarketCapUsd, null),
            QuoteSortField.Ticker => new QuoteSortValue(null, null, row.Ticker),
            _ => new QuoteSortValue(row.ObservedAt, null, null),
        };
        return new QuotePosition(value, row.Source, row.SourceAssetId, row.ObservedAt);
    }
}

/// <summary>The sort column's value at a position: one of a timestamp, a decimal (maybe null) or a text.</summary>
public readonly record struct QuoteSortValue(DateTimeOffset? Timestamp, decimal? Number, string? Text);
