namespace Kasparro.Domain.Ingestion;

/// <summary>The fields of a record that the data rules require or check.</summary>
[Flags]
public enum QuoteFields
{
    None = 0,
    Price = 1,
    MarketCap = 2,
    Volume = 4,
    PercentChange = 8,
    Timestamp = 16,
}

/// <summary>
/// What a source read from one record, typed but not yet checked against the data rules. Sources fill what they
/// can, report what they could not parse as problems beside it, and mark those fields <see cref="Unreadable"/> so
/// that a value the source could not read is not reported a second time as missing.
/// </summary>
public sealed record RecordFields(
    string? SourceAssetId,
    string? Symbol,
    string? Name,
    decimal? PriceUsd,
    decimal? MarketCapUsd,
    decimal? Volume24hUsd,
    decimal? PercentChange24h,
    DateTimeOffset? ObservedAt,
    DateTimeOffset SourceUpdatedAt)
{
    public QuoteFields Unreadable { get; init; }
}
