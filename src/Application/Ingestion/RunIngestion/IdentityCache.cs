using System.Collections.Concurrent;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Assets;
using Kasparro.Domain.Markets;

namespace Kasparro.Application.Ingestion.RunIngestion;

/// <summary>
/// The identity decisions this process has seen stored: each (source, source asset id) with its mapping, and the
/// mapped assets as last written. The resolver never changes a stored mapping (the first one wins, decisions being
/// taken one at a time), so a batch whose every key is known here is resolved without reading the store: no look-up
/// and no decision, unless an asset learns a name or a larger market cap, which is stored as "keep the first name, the
/// larger market cap" and so comes out the same whichever process gets there first. A batch with any unknown key takes
/// a decision of the store and then teaches the cache what it read and decided.
/// </summary>
/// <remarks>
/// Only an operator's correction (a split or a merge) moves mappings, and removes a merged asset. Every run first
/// compares the number of the newest correction stored with the one the cache was filled under, and starts empty when
/// they differ (<see cref="Align"/>); corrections are refused while a run of a source whose mappings they move is in
/// progress, so no run resolves a key from a mapping moved during it. A run that fails for an unexpected reason empties
/// the cache too, so that a database restored or emptied under a running process costs one failed run, not every run
/// after it. Beyond <see cref="Capacity"/> keys nothing more is added (the batches of those keys take the look-up, as
/// without a cache).
/// </remarks>
public sealed class IdentityCache
{
    /// <summary>The most keys kept: far beyond the listings of the API sources, a bound for CSV files of many ids.</summary>
    public const int Capacity = 250_000;

    private readonly ConcurrentDictionary<SourceKey, AssetSourceMapping> _mappings = new();
    private readonly ConcurrentDictionary<Guid, StoredAsset> _assets = new();
    private readonly Lock _generationLock = new();
    private long _generation;

    /// <summary>Keys known, for tests and diagnostics.</summary>
    public int Count => _mappings.Count;

    /// <summary>
    /// The mappings of every key with their assets (fresh instances, the caller's to change), or <c>null</c> when a
    /// key is not known here.
    /// </summary>
    public IdentitySnapshot? TrySnapshot(IReadOnlyCollection<SourceKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var mappings = new List<AssetSourceMapping>(keys.Count);
        var assets = new Dictionary<Guid, Asset>();
        foreach (var key in keys)
        {
            if (!_mappings.TryGetValue(key, out var mapping) || !_assets.TryGetValue(mapping.AssetId, out var asset))
            {
                return null;
            }

            mappings.Add(mapping);
            if (!assets.ContainsKey(asset.Id))
            {
                assets.Add(asset.Id, asset.ToAsset());
            }
        }

        return new IdentitySnapshot([.. assets.Values], mappings, []);
    }

    /// <summary>Notes committed mappings and assets (the assets as they now stand).</summary>
    public void Remember(IEnumerable<AssetSourceMapping> mappings, IEnumerable<Asset> assets)
    {
        ArgumentNullException.ThrowIfNull(mappings);
        ArgumentNullException.ThrowIfNull(assets);
        // Room is counted once per call: ConcurrentDictionary.Count takes every lock of the dictionary.
        var assetRoom = Capacity - _assets.Count;
        foreach (var asset in assets)
        {
            if (_assets.ContainsKey(asset.Id))
            {
                _assets[asset.Id] = StoredAsset.Of(asset);
            }
            else if (assetRoom > 0 && _assets.TryAdd(asset.Id, StoredAsset.Of(asset)))
            {
                assetRoom--;
            }
        }

        var mappingRoom = Capacity - _mappings.Count;
        foreach (var mapping in mappings)
        {
            if (mappingRoom > 0 && _mappings.TryAdd(mapping.Key, mapping))
            {
                mappingRoom--;
            }
        }
    }

    /// <summary>Empties the cache unless it was filled under this correction number, and keeps the number.</summary>
    public void Align(long lastCorrection)
    {
        lock (_generationLock)
        {
            if (lastCorrection != _generation)
            {
                Clear();
                _generation = lastCorrection;
            }
        }
    }

    public void Clear()
    {
        _mappings.Clear();
        _assets.Clear();
    }

    /// <summary>An asset's state, kept apart from the <see cref="Asset"/> instances that resolvers change.</summary>
    private sealed record StoredAsset(Guid Id, Ticker Ticker, string? Name, decimal? MarketCapUsd, DateTimeOffset CreatedAt)
    {
        public static StoredAsset Of(Asset asset) => new(asset.Id, asset.Ticker, asset.Name, asset.MarketCapUsd, asset.CreatedAt);

        public Asset ToAsset() => new(Id, Ticker, Name, MarketCapUsd, CreatedAt);
    }
}
