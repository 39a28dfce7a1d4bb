using Kasparro.Application.Ingestion.RunIngestion;
using Kasparro.Domain.Assets;
using Kasparro.Domain.Markets;

namespace Kasparro.UnitTests.Application;

public sealed class IdentityCacheTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static (Asset Asset, AssetSourceMapping Mapping) Mapped(string source, string id, string ticker, decimal? marketCap = null)
    {
        var asset = new Asset(Guid.CreateVersion7(Now), Ticker.FromStored(ticker), ticker + " coin", marketCap, Now);
        return (asset, new AssetSourceMapping(new SourceKey(source, id), asset.Id, MappingMethod.New, 1m, Now));
    }

    [Fact]
    public void Remember_BeyondCapacity_AddsNoNewKeyButStillUpdatesKnownAssets()
    {
        var cache = new IdentityCache();
        var (asset, _) = Mapped("csv", "seed", "SEED", 1m);
        var mappings = Enumerable.Range(0, IdentityCache.Capacity + 10)
            .Select(i => new AssetSourceMapping(new SourceKey("csv", $"id-{i}"), asset.Id, MappingMethod.New, 1m, Now))
            .ToList();

        cache.Remember(mappings.Take(IdentityCache.Capacity - 5), [asset]);
        cache.Remember(mappings.Skip(IdentityCache.Capacity - 5), [new Asset(asset.Id, asset.Ticker, asset.Name, 9m, asset.CreatedAt)]);

        cache.Count.ShouldBe(IdentityCache.Capacity);
        cache.TrySnapshot([mappings[IdentityCache.Capacity - 1].Key]).ShouldNotBeNull().Assets.Single().MarketCapUsd.ShouldBe(9m);
        cache.TrySnapshot([mappings[IdentityCache.Capacity].Key]).ShouldBeNull();
    }

    [Fact]
    public void TrySnapshot_WhenAnyKeyIsUnknown_ReturnsNull()
    {
        var cache = new IdentityCache();
        var (asset, mapping) = Mapped("coinpaprika", "btc-bitcoin", "BTC");
        cache.Remember([mapping], [asset]);

        cache.TrySnapshot([mapping.Key, new SourceKey("coinpaprika", "eth-ethereum")]).ShouldBeNull();
    }

    [Fact]
    public void TrySnapshot_WhenEveryKeyIsKnown_GivesTheirMappingsAndOneInstancePerAsset()
    {
        var cache = new IdentityCache();
        var (asset, paprika) = Mapped("coinpaprika", "btc-bitcoin", "BTC", 5m);
        var gecko = new AssetSourceMapping(new SourceKey("coingecko", "bitcoin"), asset.Id, MappingMethod.Crosswalk, 1m, Now);
        cache.Remember([paprika, gecko], [asset]);

        var snapshot = cache.TrySnapshot([paprika.Key, gecko.Key]).ShouldNotBeNull();

        snapshot.Mappings.ShouldBe([paprika, gecko]);
        var copy = snapshot.Assets.ShouldHaveSingleItem();
        copy.ShouldNotBeSameAs(asset, "resolvers change the assets they are given; the cache's own state must not move with them");
        (copy.Id, copy.Ticker, copy.Name, copy.MarketCapUsd).ShouldBe((asset.Id, asset.Ticker, asset.Name, 5m));
    }

    [Fact]
    public void Remember_KeepsTheFirstMappingOfAKeyAndTheLatestStateOfAnAsset()
    {
        var cache = new IdentityCache();
        var (asset, mapping) = Mapped("csv", "BTC", "BTC", 1m);
        var other = new AssetSourceMapping(mapping.Key, Guid.CreateVersion7(Now), MappingMethod.Symbol, 0.9m, Now);
        cache.Remember([mapping], [asset]);
        asset.ObserveMarketCap(7m).ShouldBeTrue();

        cache.Remember([other], [asset]);

        var snapshot = cache.TrySnapshot([mapping.Key]).ShouldNotBeNull();
        snapshot.Mappings.ShouldBe([mapping], "a stored mapping never changes");
        snapshot.Assets.Single().MarketCapUsd.ShouldBe(7m);
    }

    [Fact]
    public void Align_EmptiesTheCacheOnlyWhenTheLastCorrectionChanged()
    {
        var cache = new IdentityCache();
        var (asset, mapping) = Mapped("coinpaprika", "btc-bitcoin", "BTC");
        cache.Remember([mapping], [asset]);

        cache.Align(0);
        cache.TrySnapshot([mapping.Key]).ShouldNotBeNull("no correction was made since the cache was filled");

        cache.Align(7);
        cache.TrySnapshot([mapping.Key]).ShouldBeNull("a correction may have moved the mapping");

        cache.Remember([mapping], [asset]);
        cache.Align(7);
        cache.TrySnapshot([mapping.Key]).ShouldNotBeNull("filled after correction 7, the cache holds until the next one");
    }

    [Fact]
    public void Clear_ForgetsEverything()
    {
        var cache = new IdentityCache();
        var (asset, mapping) = Mapped("csv", "BTC", "BTC");
        cache.Remember([mapping], [asset]);

        cache.Clear();

        cache.Count.ShouldBe(0);
        cache.TrySnapshot([mapping.Key]).ShouldBeNull();
    }
}
