using Kasparro.Domain.Markets;

namespace Kasparro.Domain.Assets;

/// <summary>What a record offers for identity resolution.</summary>
public sealed record IdentityCandidate(SourceKey Key, Ticker Ticker, string? Name, decimal? MarketCapUsd);

/// <summary>The asset a record belongs to and how that was decided.</summary>
public sealed record AssetResolution(Guid AssetId, MappingMethod Method, decimal Confidence);

/// <summary>
/// Resolves records to canonical assets, in this order: an existing mapping; the curated crosswalk (a sibling id of
/// the same coin is already mapped); the same ticker with a similar normalized name (the similarity is the
/// confidence, <see cref="NameThreshold"/> decides); for a record with no name, the primary asset of its ticker;
/// else a new asset. It works on a snapshot of what is stored and remembers what it creates, so every record of a
/// batch sees the decisions made for the records before it.
/// </summary>
public sealed class IdentityResolver
{
    public const decimal DefaultNameThreshold = 0.88m;

    /// <summary>Confidence of a nameless record joining its ticker's only asset; halved when the ticker is shared.</summary>
    private const decimal SoleTickerConfidence = 0.9m;

    private readonly Dictionary<Guid, Asset> _assets = [];
    private readonly Dictionary<string, List<Asset>> _assetsByTicker = new(StringComparer.Ordinal);
    private readonly Dictionary<SourceKey, AssetSourceMapping> _mappings = [];
    private readonly Dictionary<SourceKey, string> _crosswalkKeyOf = [];
    private readonly Dictionary<string, List<SourceKey>> _crosswalkMembers = new(StringComparer.Ordinal);
    private readonly List<Asset> _createdAssets = [];
    private readonly List<AssetSourceMapping> _createdMappings = [];
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
        foreach (var asset in assets)
        {
            Remember(asset);
        }

        foreach (var mapping in mappings)
        {
            _mappings[mapping.Key] = mapping;
        }

        foreach (var entry in crosswalk)
        {
            _crosswalkKeyOf[entry.Key] = entry.CanonicalKey;
            if (!_crosswalkMembers.TryGetValue(entry.CanonicalKey, out var members))
            {
                _crosswalkMembers[entry.CanonicalKey] = members = [];
            }

            members.Add(entry.Key);
        }
    }

    public decimal NameThreshold { get; }

    public IReadOnlyList<Asset> CreatedAssets => _createdAssets;

    public IReadOnlyList<AssetSourceMapping> CreatedMappings => _createdMappings;

    /// <summary>Every asset created, named or given a larger market cap by this resolution: what must be written.</summary>
    public IReadOnlyCollection<Asset> ChangedAssets => _changedAssets;

    public AssetResolution Resolve(IdentityCandidate record, Func<Guid> newAssetId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(newAssetId);

        var name = string.IsNullOrWhiteSpace(record.Name) ? null : record.Name.Trim();
        if (_mappings.TryGetValue(record.Key, out var existing))
        {
            if (_assets.TryGetValue(existing.AssetId, out var mapped))
            {
                Observe(mapped, name, record.MarketCapUsd);
            }

            return new AssetResolution(existing.AssetId, existing.Method, existing.Confidence);
        }

        var decision = ByCrosswalk(record.Key)
            ?? (name is null ? ByPrimaryTicker(record.Ticker) : BySymbolAndName(record.Ticker, name));

        Asset asset;
        if (decision is { } found)
        {
            asset = found.Asset;
        }
        else
        {
            asset = new Asset(newAssetId(), record.Ticker, name, null, now);
            Remember(asset);
            _createdAssets.Add(asset);
            _changedAssets.Add(asset);
            decision = (asset, MappingMethod.New, 1m);
        }

        Observe(asset, name, record.MarketCapUsd);

        var mapping = new AssetSourceMapping(record.Key, asset.Id, decision.Value.Method, decision.Value.Confidence, now);
        _mappings[record.Key] = mapping;
        _createdMappings.Add(mapping);
        return new AssetResolution(asset.Id, mapping.Method, mapping.Confidence);
    }

    /// <summary>Among the assets sharing a ticker, the one with the largest market cap (then the oldest).</summary>
    public Asset? PrimaryFor(Ticker ticker) =>
        _assetsByTicker.TryGetValue(ticker.Value, out var assets)
            ? assets.OrderByDescending(a => a.MarketCapUsd ?? -1m).ThenBy(a => a.CreatedAt).ThenBy(a => a.Id).First()
            : null;

    private (Asset Asset, MappingMethod Method, decimal Confidence)? ByCrosswalk(SourceKey key)
    {
        if (!_crosswalkKeyOf.TryGetValue(key, out var canonicalKey))
        {
            return null;
        }

        foreach (var sibling in _crosswalkMembers[canonicalKey])
        {
            if (sibling != key && _mappings.TryGetValue(sibling, out var mapping) && _assets.TryGetValue(mapping.AssetId, out var asset))
            {
                return (asset, MappingMethod.Crosswalk, 1m);
            }
        }

        return null;
    }

    private (Asset Asset, MappingMethod Method, decimal Confidence)? BySymbolAndName(Ticker ticker, string name)
    {
        if (!_assetsByTicker.TryGetValue(ticker.Value, out var candidates))
        {
            return null;
        }

        var normalized = NameSimilarity.Normalize(name);
        var best = candidates
            .Where(a => a.NormalizedName is not null)
            .Select(a => (Asset: a, Score: NameSimilarity.Score(normalized, a.NormalizedName!)))
            .Where(c => c.Score >= NameThreshold)
            .OrderByDescending(c => c.Score)
            .ThenByDescending(c => c.Asset.MarketCapUsd ?? -1m)
            .FirstOrDefault();
        if (best.Asset is not null)
        {
            return (best.Asset, MappingMethod.SymbolAndName, best.Score);
        }

        // An asset known only by its ticker (first seen in a per-coin export) takes the first name offered for it.
        var nameless = candidates.Where(a => a.NormalizedName is null).OrderBy(a => a.CreatedAt).FirstOrDefault();
        return nameless is null ? null : (nameless, MappingMethod.Symbol, Confidence(candidates.Count));
    }

    private (Asset Asset, MappingMethod Method, decimal Confidence)? ByPrimaryTicker(Ticker ticker)
    {
        var primary = PrimaryFor(ticker);
        return primary is null ? null : (primary, MappingMethod.Symbol, Confidence(_assetsByTicker[ticker.Value].Count));
    }

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

    private void Remember(Asset asset)
    {
        _assets[asset.Id] = asset;
        if (!_assetsByTicker.TryGetValue(asset.Ticker.Value, out var list))
        {
            _assetsByTicker[asset.Ticker.Value] = list = [];
        }

        list.Add(asset);
    }
}
