using System.Diagnostics.CodeAnalysis;
using Kasparro.Domain.Markets;

namespace Kasparro.Domain.Assets;

/// <summary>
/// What the resolver knows: assets by id and ticker, mappings by key, the catalog ids each asset holds, and the curated
/// crosswalk. It says which assets a key may never join (<see cref="Excludes"/>).
/// </summary>
internal sealed class IdentityIndex
{
    private readonly Dictionary<Guid, Asset> _assets = [];
    private readonly Dictionary<string, List<Asset>> _assetsByTicker = new(StringComparer.Ordinal);
    private readonly Dictionary<SourceKey, AssetSourceMapping> _mappings = [];
    private readonly Dictionary<Guid, List<SourceKey>> _catalogKeysOf = [];
    private readonly Dictionary<SourceKey, string> _crosswalkKeyOf = [];
    private readonly Dictionary<string, List<SourceKey>> _crosswalkMembers = new(StringComparer.Ordinal);

    public IdentityIndex(IEnumerable<Asset> assets, IEnumerable<AssetSourceMapping> mappings, IEnumerable<CrosswalkEntry> crosswalk)
    {
        foreach (var asset in assets)
        {
            Add(asset);
        }

        foreach (var mapping in mappings)
        {
            Map(mapping);
        }

        foreach (var entry in crosswalk)
        {
            _crosswalkKeyOf[entry.Key] = entry.CanonicalKey;
            if (!_crosswalkMembers.TryGetValue(entry.CanonicalKey, out var members))
            {
                _crosswalkMembers[entry.CanonicalKey] = members = [];
            }

            if (!members.Contains(entry.Key))
            {
                members.Add(entry.Key);
            }
        }
    }

    public void Add(Asset asset)
    {
        _assets[asset.Id] = asset;
        if (!_assetsByTicker.TryGetValue(asset.Ticker.Value, out var list))
        {
            _assetsByTicker[asset.Ticker.Value] = list = [];
        }

        list.Add(asset);
    }

    public void Map(AssetSourceMapping mapping)
    {
        if (_mappings.TryGetValue(mapping.Key, out var known))
        {
            if (known.AssetId == mapping.AssetId)
            {
                return;
            }

            _catalogKeysOf.GetValueOrDefault(known.AssetId)?.Remove(mapping.Key);
        }

        _mappings[mapping.Key] = mapping;
        if (SourceNames.IsCatalog(mapping.Key.Source))
        {
            if (!_catalogKeysOf.TryGetValue(mapping.AssetId, out var keys))
            {
                _catalogKeysOf[mapping.AssetId] = keys = [];
            }

            keys.Add(mapping.Key);
        }
    }

    public bool TryGetMapping(SourceKey key, [MaybeNullWhen(false)] out AssetSourceMapping mapping) => _mappings.TryGetValue(key, out mapping);

    public Asset? Find(Guid id) => _assets.GetValueOrDefault(id);

    public IReadOnlyList<Asset> WithTicker(Ticker ticker) => _assetsByTicker.TryGetValue(ticker.Value, out var assets) ? assets : [];

    /// <summary>The asset of a sibling the crosswalk names beside <paramref name="key"/>, with that sibling.</summary>
    public (Asset Asset, SourceKey Sibling, string CanonicalKey)? CrosswalkSibling(SourceKey key)
    {
        if (!_crosswalkKeyOf.TryGetValue(key, out var canonicalKey))
        {
            return null;
        }

        foreach (var sibling in _crosswalkMembers[canonicalKey])
        {
            if (sibling != key && _mappings.TryGetValue(sibling, out var mapping) && _assets.TryGetValue(mapping.AssetId, out var asset))
            {
                return (asset, sibling, canonicalKey);
            }
        }

        return null;
    }

    /// <summary>
    /// Why <paramref name="key"/> may never join <paramref name="asset"/>, or null when it may: the asset holds another
    /// id of the key's catalog (a catalog tells its own coins apart), or the crosswalk says an id the asset holds is
    /// another coin than the key.
    /// </summary>
    public string? Excludes(Asset asset, SourceKey key)
    {
        if (!_catalogKeysOf.TryGetValue(asset.Id, out var held))
        {
            return null;
        }

        foreach (var other in held)
        {
            if (other == key)
            {
                continue;
            }

            if (other.Source == key.Source && SourceNames.IsCatalog(key.Source))
            {
                return $"it holds {other}, another {key.Source} id";
            }

            if (CrosswalkSeparates(key, other))
            {
                return $"the crosswalk makes {other} another coin";
            }
        }

        return null;
    }

    /// <summary>Whether the crosswalk puts the two ids in different coins: under different keys, or beside another id of the other's source.</summary>
    private bool CrosswalkSeparates(SourceKey key, SourceKey other)
    {
        var keyCoin = _crosswalkKeyOf.GetValueOrDefault(key);
        var otherCoin = _crosswalkKeyOf.GetValueOrDefault(other);
        if (keyCoin is not null && otherCoin is not null)
        {
            return !string.Equals(keyCoin, otherCoin, StringComparison.Ordinal);
        }

        return (keyCoin is not null && PairsElsewhere(keyCoin, other)) || (otherCoin is not null && PairsElsewhere(otherCoin, key));
    }

    /// <summary>Whether the crosswalk's coin has an id of <paramref name="key"/>'s source that is not <paramref name="key"/>.</summary>
    private bool PairsElsewhere(string canonicalKey, SourceKey key) =>
        _crosswalkMembers[canonicalKey].Any(member => member.Source == key.Source && member != key);
}
