using Kasparro.Domain.Assets;
using Kasparro.Domain.Markets;

namespace Kasparro.UnitTests.Domain;

public sealed class IdentityResolverTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);

    private static readonly CrosswalkEntry[] Crosswalk =
    [
        new("bitcoin", new SourceKey(SourceNames.CoinPaprika, "btc-bitcoin")),
        new("bitcoin", new SourceKey(SourceNames.CoinGecko, "bitcoin")),
    ];

    private static IdentityCandidate Candidate(string source, string id, string symbol, string? name, decimal? marketCap = null) =>
        new(new SourceKey(source, id), Ticker.Parse(symbol, TickerAliases.None).Value, name, marketCap);

    private static IdentityResolver Empty(IEnumerable<CrosswalkEntry>? crosswalk = null) => new([], [], crosswalk ?? Crosswalk);

    private static AssetResolution Resolve(IdentityResolver resolver, IdentityCandidate candidate) =>
        resolver.Resolve(candidate, Guid.NewGuid, Now);

    [Fact]
    public void Resolve_BitcoinFromThreeSources_IsOneAssetWithThreeMappings()
    {
        var resolver = Empty();

        var paprika = Resolve(resolver, Candidate(SourceNames.CoinPaprika, "btc-bitcoin", "BTC", "Bitcoin", 1_000m));
        var gecko = Resolve(resolver, Candidate(SourceNames.CoinGecko, "bitcoin", "btc", "Bitcoin"));
        var csv = Resolve(resolver, Candidate(SourceNames.Csv, "BTC", "BTC", "Bitcoin"));

        gecko.AssetId.ShouldBe(paprika.AssetId);
        csv.AssetId.ShouldBe(paprika.AssetId);
        resolver.CreatedAssets.Count.ShouldBe(1);
        resolver.CreatedMappings.Select(m => m.Method).ShouldBe([MappingMethod.New, MappingMethod.Crosswalk, MappingMethod.SymbolAndName]);
        csv.Confidence.ShouldBe(1m);
    }

    [Fact]
    public void Resolve_WhenCsvComesFirst_TheCrosswalkStillJoinsTheApis()
    {
        var resolver = Empty();

        var csv = Resolve(resolver, Candidate(SourceNames.Csv, "BTC", "BTC", "Bitcoin"));
        var paprika = Resolve(resolver, Candidate(SourceNames.CoinPaprika, "btc-bitcoin", "BTC", "Bitcoin"));
        var gecko = Resolve(resolver, Candidate(SourceNames.CoinGecko, "bitcoin", "BTC", "Bitcoin"));

        paprika.AssetId.ShouldBe(csv.AssetId);
        paprika.Method.ShouldBe(MappingMethod.SymbolAndName);
        gecko.AssetId.ShouldBe(csv.AssetId);
        gecko.Method.ShouldBe(MappingMethod.Crosswalk);
    }

    [Fact]
    public void Resolve_TwoCoinsSharingASymbol_AreTwoAssets()
    {
        var resolver = Empty();

        var universe = Resolve(resolver, Candidate(SourceNames.CoinPaprika, "uni-universe", "UNI", "Universe", 5m));
        var uniswap = Resolve(resolver, Candidate(SourceNames.CoinGecko, "uniswap", "uni", "Uniswap", 4_000_000_000m));

        uniswap.AssetId.ShouldNotBe(universe.AssetId);
        uniswap.Method.ShouldBe(MappingMethod.New);
        resolver.CreatedAssets.Count.ShouldBe(2);
    }

    [Fact]
    public void PrimaryFor_SharedTicker_IsTheAssetWithTheLargerMarketCap()
    {
        var resolver = Empty();
        Resolve(resolver, Candidate(SourceNames.CoinPaprika, "uni-universe", "UNI", "Universe", 5m));
        var uniswap = Resolve(resolver, Candidate(SourceNames.CoinGecko, "uniswap", "UNI", "Uniswap", 4_000_000_000m));

        resolver.PrimaryFor(Ticker.Parse("UNI", TickerAliases.None).Value)!.Id.ShouldBe(uniswap.AssetId);
    }

    [Fact]
    public void Resolve_NamelessRecord_TakesThePrimaryAssetOfItsTicker()
    {
        var resolver = Empty();
        Resolve(resolver, Candidate(SourceNames.CoinPaprika, "uni-universe", "UNI", "Universe", 5m));
        var uniswap = Resolve(resolver, Candidate(SourceNames.CoinGecko, "uniswap", "UNI", "Uniswap", 4_000_000_000m));

        var export = Resolve(resolver, Candidate(SourceNames.Csv, "UNI", "UNI", null));

        export.AssetId.ShouldBe(uniswap.AssetId);
        export.Method.ShouldBe(MappingMethod.Symbol);
        export.Confidence.ShouldBeLessThan(1m);
    }

    [Fact]
    public void Resolve_NamelessFirst_ThenNamedRecord_JoinsAndNamesTheAsset()
    {
        var resolver = Empty();
        var export = Resolve(resolver, Candidate(SourceNames.Csv, "BTC", "BTC", null));

        var paprika = Resolve(resolver, Candidate(SourceNames.CoinPaprika, "btc-bitcoin", "BTC", "Bitcoin"));

        paprika.AssetId.ShouldBe(export.AssetId);
        resolver.CreatedAssets.Single().Name.ShouldBe("Bitcoin");
    }

    [Fact]
    public void Resolve_WhenTheSameKeyLaterCarriesAName_NamesTheAsset()
    {
        var resolver = Empty();
        var export = Resolve(resolver, Candidate(SourceNames.Csv, "BTC", "BTC", null));

        var named = Resolve(resolver, Candidate(SourceNames.Csv, "BTC", "BTC", "Bitcoin"));

        named.AssetId.ShouldBe(export.AssetId);
        resolver.CreatedAssets.Single().Name.ShouldBe("Bitcoin");
        resolver.CreatedMappings.Count.ShouldBe(1);
    }

    [Fact]
    public void Resolve_WhenAMappingIsStored_ReusesItWithoutCreatingAnything()
    {
        var asset = new Asset(Guid.NewGuid(), Ticker.FromStored("ETH"), "Ethereum", 10m, Now.AddDays(-1));
        var mapping = new AssetSourceMapping(new SourceKey(SourceNames.CoinGecko, "ethereum"), asset.Id, MappingMethod.New, 1m, Now.AddDays(-1));
        var resolver = new IdentityResolver([asset], [mapping], []);

        var resolution = Resolve(resolver, Candidate(SourceNames.CoinGecko, "ethereum", "ETH", "Ethereum", 50m));

        resolution.AssetId.ShouldBe(asset.Id);
        resolver.CreatedMappings.ShouldBeEmpty();
        resolver.ChangedAssets.ShouldBe([asset]);
        asset.MarketCapUsd.ShouldBe(50m);
    }

    [Fact]
    public void Resolve_WhenNameIsOnlySimilar_RecordsTheSimilarityAsConfidence()
    {
        var resolver = Empty();
        var coin = Resolve(resolver, Candidate(SourceNames.CoinPaprika, "btc-bitcoin", "BTC", "Bitcoin"));

        var yahoo = Resolve(resolver, Candidate(SourceNames.Csv, "BTC", "BTC", "Bitcoin USD"));

        yahoo.AssetId.ShouldBe(coin.AssetId);
        yahoo.Method.ShouldBe(MappingMethod.SymbolAndName);
        yahoo.Confidence.ShouldBe(NameSimilarity.Score("bitcoinusd", "bitcoin"));
        yahoo.Confidence.ShouldBeLessThan(1m);
    }

    [Fact]
    public void Resolve_WrappedBitcoin_IsNotBitcoin()
    {
        var resolver = Empty();
        var btc = Resolve(resolver, Candidate(SourceNames.CoinGecko, "bitcoin", "BTC", "Bitcoin"));

        var wbtc = Resolve(resolver, Candidate(SourceNames.CoinGecko, "wrapped-bitcoin", "WBTC", "Wrapped Bitcoin"));

        wbtc.AssetId.ShouldNotBe(btc.AssetId);
    }

    [Fact]
    public void Constructor_WhenThresholdOutOfRange_Throws()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new IdentityResolver([], [], [], 0m));
        Should.Throw<ArgumentOutOfRangeException>(() => new IdentityResolver([], [], [], 1.01m));
    }
}
