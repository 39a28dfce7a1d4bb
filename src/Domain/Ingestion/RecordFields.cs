namespace Kasparro.Domain.Ingestion;

/// <summary>
/// What a source read from one record, typed but not yet checked against the data rules. Sources fill what they
/// can and report what they could not parse as problems beside it.
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
    DateTimeOffset SourceUpdatedAt);
