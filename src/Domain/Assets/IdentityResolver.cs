using Kasparro.Domain.Markets;
using static System.FormattableString;

namespace Kasparro.Domain.Assets;

/// <summary>What a record offers for identity resolution.</summary>
public sealed record IdentityCandidate(SourceKey Key, Ticker Ticker, string? Name, decimal? MarketCapUsd);

/// <summary>The asset a record belongs to and how that was decided.</summary>
public sealed record AssetResolution(Guid AssetId, MappingMethod Method, decimal Confidence);

/// <summary>
/// Why a key was mapped where it was, as its decision record keeps it: what the record offered, the asset it joined
/// (its name and market cap then), and the reason in words.
/// </summary>
public sealed record MappingEvidence(string Ticker, string? Name, decimal? MarketCapUsd, string? MatchedName, decimal? MatchedMarketCapUsd, string Reason);

/// <summary>
/// Resolves records to canonical assets (decision 3), in this order: an existing mapping (never decided again); the
/// curated crosswalk (a sibling id of the same coin is mapped); the same ticker with a similar name that differs by no
/// distinguishing word, the similarity (lowered when the market caps are far apart) being the confidence; for a record
/// with no name, the primary asset of its ticker; else a new asset. A key never joins an asset that holds another id of
/// its catalog, nor one the crosswalk makes another coin. It works on a snapshot of what is stored and remembers what it
/// creates, so every record of a batch sees the decisions made for the records before it.
/// </summary>
public sealed class IdentityResolver
{
    public const decimal DefaultNameThreshold = 0.88m;

    /// <summary>Market caps further apart than this factor are evidence against a match by name.</summary>
    public const decimal MarketCapFactorAgainst = 100m;

    /// <summary>What far-apart market caps leave of a name's similarity: an equal name still matches, a merely similar one no longer does.</summary>
    public const decimal FarMarketCapsWeight = 0.9m;

    /// <summary>Confidence of a nameless record joining its ticker's only asset; halved when the ticker is shared.</summary>
    private const decimal SoleTickerConfidence = 0.9m;

    private readonly IdentityIndex _index;
    private readonly List<Asset> _createdAssets = [];
    private readonly List<AssetSourceMapping> _createdMappings = [];
    private readonly Dictionary<SourceKey, MappingEvidence> _evidence = [];
    private readonly HashSet<Asset> _changedAssets = [];

    public IdentityResolver(
        IEnumerable<Asset> assets,
        IEnumerable<AssetSourceMapping> mappings,
        IEnumerable<CrosswalkEntry> crosswalk,
        decimal nameThreshold = DefaultNameThreshold)
    {
        ArgumentNullException.ThrowIfNull(assets);
        ArgumentNullException.ThrowIfNull(mappings);
        ArgumentNullException.ThrowIfNull(crosswalk);
        if (nameThreshold is <= 0m or > 1m)
        {
            throw new ArgumentOutOfRangeException(nameof(nameThreshold), nameThreshold, "must be in (0, 1]");
        }

        NameThreshold = nameThreshold;
        _index = new IdentityIndex(assets, mappings, crosswalk);
    }

    public decimal NameThreshold { get; }

    public IReadOnlyList<Asset> CreatedAssets => _createdAssets;

    public IReadOnlyList<AssetSourceMapping> CreatedMappings => _createdMappings;

    /// <summary>The evidence of each created mapping, by key.</summary>
    public IReadOnlyDictionary<SourceKey, MappingEvidence> Evidence => _evidence;

    /// <summary>Every asset created, named or given a larger market cap by this resolution: what must be written.</summary>
    public IReadOnlyCollection<Asset> ChangedAssets => _changedAssets;

    public AssetResolution Resolve(IdentityCandidate record, Func<Guid> newAssetId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(newAssetId);

        var name = string.IsNullOrWhiteSpace(record.Name) ? null : record.Name.Trim();
        if (_index.TryGetMapping(record.Key, out var existing))
        {
            if (_index.Find(existing.AssetId) is { } mapped)
            {
                Observe(mapped, name, record.MarketCapUsd);
            }

            return new AssetResolution(existing.AssetId, existing.Method, existing.Confidence);
        }

        var decision = ByCrosswalk(record.Key) ?? (name is null ? ByPrimaryTicker(record) : BySymbolAndName(record, name));
        if (decision.Asset is not { } asset)
        {
            asset = new Asset(newAssetId(), record.Ticker, name, null, now);
            _index.Add(asset);
            _createdAssets.Add(asset);
            _changedAssets.Add(asset);
        }

        var matchedName = asset.Name;
        var matchedMarketCap = asset.MarketCapUsd;
        Observe(asset, name, record.MarketCapUsd);

        var mapping = new AssetSourceMapping(record.Key, asset.Id, decision.Method, decision.Confidence, now);
        _index.Map(mapping);
        _createdMappings.Add(mapping);
        _evidence[record.Key] = decision.Method == MappingMethod.New
            ? new MappingEvidence(record.Ticker.Value, name, record.MarketCapUsd, null, null, decision.Reason)
            : new MappingEvidence(record.Ticker.Value, name, record.MarketCapUsd, matchedName, matchedMarketCap, decision.Reason);
        return new AssetResolution(asset.Id, mapping.Method, mapping.Confidence);
    }

    /// <summary>Among the assets sharing a ticker, the one with the largest market cap (then the oldest).</summary>
    public Asset? PrimaryFor(Ticker ticker) => Primary(_index.WithTicker(ticker));

    private static Asset? Primary(IEnumerable<Asset> assets) =>
        assets.OrderByDescending(a => a.MarketCapUsd ?? -1m).ThenBy(a => a.CreatedAt).ThenBy(a => a.Id).FirstOrDefault();

    private Decision? ByCrosswalk(SourceKey key) =>
        _index.CrosswalkSibling(key) is { } sibling && _index.Excludes(sibling.Asset, key) is null
            ? new Decision(sibling.Asset, MappingMethod.Crosswalk, 1m, $"the crosswalk names it beside {sibling.Sibling} ({sibling.CanonicalKey})")
            : null;

    private Decision BySymbolAndName(IdentityCandidate record, string name)
    {
        var candidates = _index.WithTicker(record.Ticker);
        var open = candidates.Where(a => _index.Excludes(a, record.Key) is null).ToList();
        var scored = open
            .Where(a => a.Name is not null)
            .Select(a => (Asset: a, Match: NameMatch.Compare(name, a.Name!), Confidence: 0m, FarCaps: FarApart(record.MarketCapUsd, a.MarketCapUsd)))
            .Select(c => c with { Confidence = c.Match.DiffersByAWord ? 0m : Weighted(c.Match.Similarity, c.FarCaps) })
            .ToList();
        var best = scored
            .Where(c => c.Confidence >= NameThreshold)
            .OrderByDescending(c => c.Confidence)
            .ThenByDescending(c => c.Asset.MarketCapUsd ?? -1m)
            .FirstOrDefault();
        if (best.Asset is not null)
        {
            var caps = best.FarCaps ? Invariant($"; market caps over {MarketCapFactorAgainst:0}x apart") : string.Empty;
            return new Decision(best.Asset, MappingMethod.SymbolAndName, best.Confidence, Invariant($"ticker {record.Ticker} and name '{name}' ~ '{best.Asset.Name}' (similarity {best.Match.Similarity:0.####}{caps})"));
        }

        // An asset known only by its ticker (first seen in a per-coin export) takes the first name offered for it.
        var nameless = open.Where(a => a.Name is null).OrderBy(a => a.CreatedAt).FirstOrDefault();
        if (nameless is not null)
        {
            return new Decision(nameless, MappingMethod.Symbol, Confidence(candidates.Count), $"the asset of ticker {record.Ticker} known by its ticker alone takes the name '{name}'");
        }

        return New(WhyNot(record, name, candidates, scored.Select(c => (c.Asset, c.Match, c.Confidence, c.FarCaps))));
    }

    private Decision ByPrimaryTicker(IdentityCandidate record)
    {
        var candidates = _index.WithTicker(record.Ticker);
        var primary = Primary(candidates.Where(a => _index.Excludes(a, record.Key) is null));
        return primary is null
            ? New(candidates.Count == 0 ? $"no asset has ticker {record.Ticker}" : $"no asset of ticker {record.Ticker} may take it")
            : new Decision(primary, MappingMethod.Symbol, Confidence(candidates.Count), Invariant($"no name: the primary asset of ticker {record.Ticker} ({candidates.Count} with it)"));
    }

    /// <summary>Why the closest asset of the ticker was not taken: the evidence a reviewer of a new asset wants.</summary>
    private string WhyNot(IdentityCandidate record, string name, IReadOnlyList<Asset> candidates, IEnumerable<(Asset Asset, NameMatch Match, decimal Confidence, bool FarCaps)> scored)
    {
        if (candidates.Count == 0)
        {
            return $"no asset has ticker {record.Ticker}";
        }

        var closest = scored.OrderByDescending(c => c.Match.Similarity).FirstOrDefault();
        if (closest.Asset is null)
        {
            var excluded = candidates.Select(a => (Asset: a, Why: _index.Excludes(a, record.Key))).FirstOrDefault(c => c.Why is not null);
            return $"ticker {record.Ticker} is held by '{excluded.Asset?.Name}', which it may not join: {excluded.Why}";
        }

        var why = closest.Match.DistinguishingWord is { } word
            ? $"one name has the word '{word}' and the other not"
            : closest.FarCaps
                ? Invariant($"confidence {closest.Confidence:0.####} with market caps over {MarketCapFactorAgainst:0}x apart is below {NameThreshold:0.####}")
                : Invariant($"similarity {closest.Match.Similarity:0.####} is below {NameThreshold:0.####}");
        return $"closest of ticker {record.Ticker}: '{closest.Asset.Name}' for '{name}': {why}";
    }

    private static Decision New(string reason) => new(null, MappingMethod.New, 1m, $"new asset: {reason}");

    private static bool FarApart(decimal? marketCap, decimal? otherMarketCap) =>
        marketCap is > 0m && otherMarketCap is > 0m
        && Math.Max(marketCap.Value, otherMarketCap.Value) / Math.Min(marketCap.Value, otherMarketCap.Value) > MarketCapFactorAgainst;

    private static decimal Weighted(decimal similarity, bool farCaps) =>
        farCaps ? Math.Round(similarity * FarMarketCapsWeight, 4, MidpointRounding.AwayFromZero) : similarity;

    /// <summary>A record may name a nameless asset and raise its market cap; either change must be written.</summary>
    private void Observe(Asset asset, string? name, decimal? marketCapUsd)
    {
        if ((name is not null && asset.AdoptName(name)) | asset.ObserveMarketCap(marketCapUsd))
        {
            _changedAssets.Add(asset);
        }
    }

    private static decimal Confidence(int assetsSharingTicker) =>
        assetsSharingTicker == 1 ? SoleTickerConfidence : SoleTickerConfidence / 2;

    /// <summary>An asset to join (none: a new one), how, how sure, and why.</summary>
    private readonly record struct Decision(Asset? Asset, MappingMethod Method, decimal Confidence, string Reason);
}
