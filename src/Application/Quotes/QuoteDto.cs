using System.Text.Json.Serialization;

namespace Kasparro.Application.Quotes;

/// <summary>
/// One normalized quote as <c>/v1/data</c> returns it. Init-only members rather than a positional record, so a database
/// query projecting into it can still be filtered and ordered by its members (see <see cref="Specifications.QuotePageSpecification"/>).
/// </summary>
public sealed record QuoteDto
{
    public required Guid AssetId { get; init; }

    public required string Ticker { get; init; }

    public required string? Name { get; init; }

    public required string Source { get; init; }

    public required string SourceAssetId { get; init; }

    public required decimal PriceUsd { get; init; }

    public required decimal? MarketCapUsd { get; init; }

    [JsonPropertyName("volume_24h_usd")]
    public required decimal? Volume24hUsd { get; init; }

    [JsonPropertyName("percent_change_24h")]
    public required decimal? PercentChange24h { get; init; }

    public required DateTimeOffset ObservedAt { get; init; }

    public required DateTimeOffset IngestedAt { get; init; }
}
