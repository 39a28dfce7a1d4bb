using Kasparro.Domain.Assets;
using Kasparro.Domain.Markets;

namespace Kasparro.Domain.Quotes;

/// <summary>
/// One normalized observation: unique per (source, source asset id, observed_at). <see cref="SourceUpdatedAt"/> orders
/// two versions of the same observation: a replay with an older one never overwrites a newer one.
/// </summary>
public sealed record Quote(
    Guid AssetId,
    Ticker Ticker,
    string? Name,
    SourceKey Key,
    decimal PriceUsd,
    decimal? MarketCapUsd,
    decimal? Volume24hUsd,
    decimal? PercentChange24h,
    DateTimeOffset ObservedAt,
    DateTimeOffset SourceUpdatedAt);
