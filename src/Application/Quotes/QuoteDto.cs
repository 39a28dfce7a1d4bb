namespace Kasparro.Application.Quotes;

/// <summary>One normalized quote as <c>/v1/data</c> returns it.</summary>
public sealed record QuoteDto(
    Guid AssetId,
    string Ticker,
    string? Name,
    string Source,
    string SourceAssetId,
    decimal PriceUsd,
    decimal? MarketCapUsd,
    [property: System.Text.Json.Serialization.JsonPropertyName("volume_24h_usd")] decimal? Volume24hUsd,
    [property: System.Text.Json.Serialization.JsonPropertyName("percent_change_24h")] decimal? PercentChange24h,
    DateTimeOffset ObservedAt,
    DateTimeOffset IngestedAt);
