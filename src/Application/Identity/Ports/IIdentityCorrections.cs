using Kasparro.Domain.Assets;

namespace Kasparro.Application.Identity.Ports;

/// <summary>Where operators' corrections of identities are stored, with the record of each. Infrastructure implements it.</summary>
public interface IIdentityCorrections
{
    /// <summary>
    /// Makes one correction: reads what is stored about <paramref name="assetIds"/> and <paramref name="keys"/>, hands it
    /// to <paramref name="decide"/>, and stores the correction it returns (nothing when it returns null) together with its
    /// decision record, all at once or not at all. Corrections are taken one at a time with every identity decision of
    /// every source and process, each seeing every one stored before it. A correction is not stored while a run of a
    /// source whose mappings it moves is in progress: the outcome then names those sources.
    /// </summary>
    Task<CorrectionOutcome> CorrectAsync(
        IReadOnlyCollection<Guid> assetIds,
        IReadOnlyCollection<SourceKey> keys,
        Func<CorrectionSnapshot, IdentityCorrection?> decide,
        CancellationToken cancellationToken);
}

/// <summary>
/// What a correction reads: the assets named and those holding the keys named, every mapping of them with its newest
/// quote, and the corrections stored before that involve the assets named.
/// </summary>
public sealed record CorrectionSnapshot(IReadOnlyList<Asset> Assets, IReadOnlyList<MappedKey> Mappings, IReadOnlyList<PastCorrection> Corrections)
{
    public Asset? Asset(Guid id) => Assets.FirstOrDefault(a => a.Id == id);

    public MappedKey? Mapping(SourceKey key) => Mappings.FirstOrDefault(m => m.Mapping.Key == key);

    public IReadOnlyList<MappedKey> MappingsOf(Guid assetId) => [.. Mappings.Where(m => m.Mapping.AssetId == assetId)];
}

/// <summary>A mapping and the newest quote stored under its key (none when nothing was stored yet).</summary>
public sealed record MappedKey(AssetSourceMapping Mapping, LatestQuote? Latest);

/// <summary>A key's newest quote: what the source called the coin, and its price and market cap then.</summary>
public sealed record LatestQuote(string Ticker, string? Name, decimal PriceUsd, decimal? MarketCapUsd, DateTimeOffset ObservedAt);

/// <summary>A correction stored before: a split of <paramref name="AssetId"/> into <paramref name="OtherAssetId"/>, or a merge of <paramref name="OtherAssetId"/> into <paramref name="AssetId"/>.</summary>
public sealed record PastCorrection(long DecisionId, CorrectionKind Kind, Guid AssetId, Guid OtherAssetId);

/// <summary>What storing the correction did: its decision record's id and the quotes it moved, or the sources whose runs held it back.</summary>
public sealed record CorrectionOutcome(long? DecisionId, long QuotesMoved, IReadOnlyList<string> BusySources);
