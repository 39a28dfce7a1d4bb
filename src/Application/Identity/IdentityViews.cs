using System.Text.Json;

namespace Kasparro.Application.Identity;

/// <summary>One (source, source asset id) as a review shows it: how it was mapped, and what its newest quote says.</summary>
public sealed record ReviewedMapping(
    Guid AssetId,
    string Ticker,
    string? AssetName,
    decimal? AssetMarketCapUsd,
    string Source,
    string SourceAssetId,
    string Method,
    decimal Confidence,
    string? Name,
    decimal? PriceUsd,
    decimal? MarketCapUsd,
    DateTimeOffset? ObservedAt);

/// <summary>A ticker several assets hold, with each of them.</summary>
public sealed record SharedTicker(string Ticker, IReadOnlyList<ReviewedAsset> Assets);

/// <summary>An asset under review with its mappings (each with its newest quote).</summary>
public sealed record ReviewedAsset(Guid AssetId, string? Name, decimal? MarketCapUsd, IReadOnlyList<ReviewedMapping> Mappings);

/// <summary>An asset whose sources disagree on price: highest over lowest of their newest quotes, and those quotes.</summary>
public sealed record PriceDisagreement(Guid AssetId, string Ticker, string? Name, decimal Factor, IReadOnlyList<ReviewedMapping> Quotes);

/// <summary>
/// One identity decision as kept: <c>map</c> (the resolver mapped a key), <c>split</c> or <c>merge</c> (an operator's
/// correction); the asset, the other asset of a correction, the key of a mapping, how and how sure, the state before
/// and after (JSON as stored), who (<c>resolver</c>, or <c>admin:</c> and a fingerprint of the token), why and when.
/// </summary>
public sealed record IdentityDecisionView(
    long Id,
    string What,
    Guid AssetId,
    Guid? OtherAssetId,
    string? Source,
    string? SourceAssetId,
    string Method,
    decimal? Confidence,
    JsonElement? Before,
    JsonElement After,
    string Who,
    string Reason,
    DateTimeOffset DecidedAt);

/// <summary>What a split or merge did (or, replayed, had done): the assets, the mappings moved, the quotes re-pointed.</summary>
/// <param name="Changed">False when the same correction had been made before and nothing changed now.</param>
public sealed record CorrectionResult(
    Guid AssetId,
    Guid OtherAssetId,
    IReadOnlyList<MovedMapping> Moved,
    long QuotesMoved,
    long? DecisionId,
    bool Changed);

public sealed record MovedMapping(string Source, string SourceAssetId);
