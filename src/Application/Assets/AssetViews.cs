using System.Text.Json.Serialization;

namespace Kasparro.Application.Assets;

/// <summary>A canonical asset as the API shows it: its identity, where it comes from, and what it costs now.</summary>
/// <param name="Primary">Whether this is the asset a lookup by its ticker finds (the largest market cap among those sharing it).</param>
public sealed record AssetView(
    Guid Id,
    string Ticker,
    string? Name,
    decimal? MarketCapUsd,
    bool Primary,
    IReadOnlyList<AssetMappingView> Mappings,
    IReadOnlyList<LatestQuoteView> Latest,
    ConsensusView? Consensus);

/// <summary>One (source, source asset id) that maps to the asset, and how that was decided.</summary>
public sealed record AssetMappingView(string Source, string SourceAssetId, string Method, decimal Confidence, DateTimeOffset CreatedAt);

/// <summary>A source's newest quote of the asset.</summary>
public sealed record LatestQuoteView(
    string Source,
    string SourceAssetId,
    decimal PriceUsd,
    decimal? MarketCapUsd,
    [property: JsonPropertyName("volume_24h_usd")] decimal? Volume24hUsd,
    [property: JsonPropertyName("percent_change_24h")] decimal? PercentChange24h,
    DateTimeOffset ObservedAt);

/// <summary>
/// The median of the sources' latest prices and their spread, over the quotes observed within
/// <see cref="AssetConsensus.Window"/> of the newest one (an old CSV close is not compared with a live price).
/// </summary>
public sealed record ConsensusView(
    decimal MedianPriceUsd,
    decimal MinPriceUsd,
    decimal MaxPriceUsd,
    decimal SpreadUsd,
    decimal SpreadPercent,
    IReadOnlyList<string> Sources,
    DateTimeOffset AsOf);

/// <summary>
/// An asset as a list of assets selects and orders it (see <see cref="Specifications.AssetPageSpecification"/>).
/// Init-only members, so a database query projecting into it can still be filtered and ordered by them.
/// </summary>
public sealed record AssetSummary
{
    public required Guid Id { get; init; }

    public required string Ticker { get; init; }

    public required string? Name { get; init; }

    public required decimal? MarketCapUsd { get; init; }

    /// <summary>Whether this is the asset a lookup by its ticker finds.</summary>
    public required bool Primary { get; init; }
}

/// <summary>The stored facts of one asset, before the consensus is worked out (see <see cref="Common.Mappings.ApplicationMappings"/>).</summary>
public sealed record AssetRecord(
    Guid Id,
    string Ticker,
    string? Name,
    decimal? MarketCapUsd,
    bool Primary,
    IReadOnlyList<AssetMappingView> Mappings,
    IReadOnlyList<LatestQuoteView> Latest);

public static class AssetConsensus
{
    /// <summary>Quotes older than this, measured from the asset's newest quote, take no part in its consensus.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    public static ConsensusView? Of(IReadOnlyList<LatestQuoteView> latest)
    {
        ArgumentNullException.ThrowIfNull(latest);
        if (latest.Count == 0)
        {
            return null;
        }

        var newest = latest.Max(q => q.ObservedAt);
        var used = latest.Where(q => newest - q.ObservedAt <= Window).ToList();
        var consensus = Kasparro.Domain.Markets.PriceConsensus.Of(used.Select(q => q.PriceUsd))!;
        return new ConsensusView(
            consensus.MedianUsd,
            consensus.MinUsd,
            consensus.MaxUsd,
            consensus.SpreadUsd,
            consensus.SpreadPercent,
            used.Select(q => q.Source).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
            newest);
    }
}
