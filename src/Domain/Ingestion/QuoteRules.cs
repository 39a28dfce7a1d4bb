using Kasparro.Domain.Markets;

namespace Kasparro.Domain.Ingestion;

/// <summary>The checked values of a record: everything a quote needs except its canonical asset.</summary>
public sealed record NormalizedRecord(
    string SourceAssetId,
    Ticker Ticker,
    string? Name,
    decimal PriceUsd,
    decimal? MarketCapUsd,
    decimal? Volume24hUsd,
    decimal? PercentChange24h,
    DateTimeOffset ObservedAt,
    DateTimeOffset SourceUpdatedAt);

/// <summary>Applies every data rule to a record and reports every reason it breaks, not only the first.</summary>
public static class QuoteRules
{
    public const int MaxNameLength = 200;
    public const int MaxSourceAssetIdLength = 200;

    public static (NormalizedRecord? Record, IReadOnlyList<string> Reasons) Normalize(RecordFields fields, TickerAliases aliases)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(aliases);
        var reasons = new List<string>();

        var ticker = Ticker.Parse(fields.Symbol, aliases);
        if (!ticker.IsValid)
        {
            reasons.Add(ticker.Error!);
        }

        decimal price = 0m;
        if (fields.PriceUsd is not { } rawPrice)
        {
            if (!fields.Unreadable.HasFlag(QuoteFields.Price))
            {
                reasons.Add("price is missing");
            }
        }
        else
        {
            var checkedPrice = UsdAmount.Price(rawPrice);
            if (checkedPrice.IsValid)
            {
                price = checkedPrice.Value;
            }
            else
            {
                reasons.Add(checkedPrice.Error!);
            }
        }

        var marketCap = UsdAmount.Amount(fields.MarketCapUsd, "market cap");
        if (!marketCap.IsValid)
        {
            reasons.Add(marketCap.Error!);
        }

        var volume = UsdAmount.Amount(fields.Volume24hUsd, "24h volume");
        if (!volume.IsValid)
        {
            reasons.Add(volume.Error!);
        }

        if (fields.ObservedAt is null && !fields.Unreadable.HasFlag(QuoteFields.Timestamp))
        {
            reasons.Add("timestamp is missing");
        }

        var name = CleanName(fields.Name);
        if (name is { Length: > MaxNameLength })
        {
            reasons.Add($"name is longer than {MaxNameLength} characters");
        }

        var sourceAssetId = string.IsNullOrWhiteSpace(fields.SourceAssetId)
            ? (ticker.IsValid ? ticker.Value.Value : null)
            : fields.SourceAssetId.Trim();
        // Without its own id a record is known by its ticker; an unusable symbol was reported above.
        if (sourceAssetId is { Length: > MaxSourceAssetIdLength })
        {
            reasons.Add($"source asset id is longer than {MaxSourceAssetIdLength} characters");
        }
        else if (sourceAssetId is not null && sourceAssetId.Any(char.IsControl))
        {
            reasons.Add("source asset id contains a control character");
        }

        if (reasons.Count > 0 || sourceAssetId is null || fields.PriceUsd is null || fields.ObservedAt is null)
        {
            return (null, reasons);
        }

        return (new NormalizedRecord(
            sourceAssetId,
            ticker.Value,
            name,
            price,
            marketCap.Value,
            volume.Value,
            fields.PercentChange24h,
            fields.ObservedAt!.Value.ToUniversalTime(),
            fields.SourceUpdatedAt.ToUniversalTime()), reasons);
    }

    /// <summary>
    /// Names lose invisible format characters (zero-width spaces) and surrounding space, and control characters
    /// (tabs, line breaks) become spaces; empty becomes none.
    /// </summary>
    public static string? CleanName(string? name)
    {
        if (name is null)
        {
            return null;
        }

        var visible = Ticker.RemoveFormatCharacters(name);
        if (visible.Any(char.IsControl))
        {
            visible = string.Join(' ', visible.Split(visible.Where(char.IsControl).Distinct().ToArray(), StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        var cleaned = visible.Trim();
        return cleaned.Length == 0 ? null : cleaned;
    }
}
