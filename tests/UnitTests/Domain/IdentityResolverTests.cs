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
    public void Resolve_TwoIdsOfOneCatalog_AreNeverOneAsset_EvenWithEqualNames()
    {
        // CoinPaprika 2023 lists two coins named "Pepe AI" under the ticker PEPEAI; 2019 and 2023 list "Terra" as LUNA twice.
        var resolver = Empty();

        var first = Resolve(resolver, Candidate(SourceNames.CoinPaprika, "pepeai2-pepe-ai", "PEPEAI", "Pepe AI", 623_104m));
        var second = Resolve(resolver, Candidate(SourceNames.CoinPaprika, "pepeai1-pepe-ai", "PEPEAI", "Pepe AI", 312_964m));

        second.AssetId.ShouldNotBe(first.AssetId);
        second.Method.ShouldBe(MappingMethod.New);
        resolver.Evidence[new SourceKey(SourceNames.CoinPaprika, "pepeai1-pepe-ai")].Reason.ShouldContain("coinpaprika:pepeai2-pepe-ai");
    }

    [Fact]
    public void Resolve_CsvIdsOfOneCoin_JoinOneAsset()
    {
        var resolver = Empty();

        var kaggle = Resolve(resolver, Candidate(SourceNames.Csv, "bitcoin", "BTC", "Bitcoin"));
        var cmc = Resolve(resolver, Candidate(SourceNames.Csv, "BTC", "BTC", "Bitcoin"));

        cmc.AssetId.ShouldBe(kaggle.AssetId, "CSV files of different origin may name one coin differently: the catalog rule is not theirs");
        cmc.Method.ShouldBe(MappingMethod.SymbolAndName);
    }

    [Fact]
    public void Resolve_ANameThatAddsADistinguishingWord_IsANewAsset()
    {
        var resolver = Empty();
        var compoundCoin = Resolve(resolver, Candidate(SourceNames.CoinPaprika, "comp-compound-coin", "COMP", "Compound Coin", 82_851m));

        var compound = Resolve(resolver, Candidate(SourceNames.CoinGecko, "compound-governance-token", "COMP", "Compound", 1_234_445_244m));

        compound.AssetId.ShouldNotBe(compoundCoin.AssetId);
        compound.Method.ShouldBe(MappingMethod.New);
        resolver.Evidence[new SourceKey(SourceNames.CoinGecko, "compound-governance-token")].Reason.ShouldContain("'coin'");
    }

    [Fact]
    public void Resolve_WhenTheCrosswalkPairsAKeyElsewhere_ItDoesNotJoinBySimilarName()
    {
        // KCS: CoinPaprika re-keyed KuCoin (2019 kcs-kucoin-shares, 2023 kcs-kucoin-token); the crosswalk pairs CoinGecko's
        // kucoin-shares with the new id, so it must not join the asset of the old one, which the later id could then never join.
        var crosswalk = new CrosswalkEntry[]
        {
            new("kucoin-shares", new SourceKey(SourceNames.CoinGecko, "kucoin-shares")),
            new("kucoin-shares", new SourceKey(SourceNames.CoinPaprika, "kcs-kucoin-token")),
        };
        var resolver = Empty(crosswalk);
        var legacy = Resolve(resolver, Candidate(SourceNames.CoinPaprika, "kcs-kucoin-shares", "KCS", "KuCoin Shares", 97_333_208m));

        var gecko = Resolve(resolver, Candidate(SourceNames.CoinGecko, "kucoin-shares", "KCS", "KuCoin", 777_289_024m));
        var current = Resolve(resolver, Candidate(SourceNames.CoinPaprika, "kcs-kucoin-token", "KCS", "KuCoin Token", 540_047_537m));

        gecko.AssetId.ShouldNotBe(legacy.AssetId);
        current.AssetId.ShouldBe(gecko.AssetId);
        current.Method.ShouldBe(MappingMethod.Crosswalk);
    }

    [Fact]
    public void Resolve_WhenTheCrosswalkSiblingsAssetHoldsAnotherIdOfTheSource_MakesANewAsset()
    {
        var asset = new Asset(Guid.NewGuid(), Ticker.FromStored("BTC"), "Bitcoin", 10m, Now.AddDays(-1));
        var resolver = new IdentityResolver(
            [asset],
            [
                new AssetSourceMapping(new SourceKey(SourceNames.CoinGecko, "bitcoin"), asset.Id, MappingMethod.New, 1m, Now),
                new AssetSourceMapping(new SourceKey(SourceNames.CoinPaprika, "btc-bitcoin-old"), asset.Id, MappingMethod.Manual, 1m, Now),
            ],
            Crosswalk);

        var paprika = Resolve(resolver, Candidate(SourceNames.CoinPaprika, "btc-bitcoin", "BTC", "Bitcoin"));

        paprika.AssetId.ShouldNotBe(asset.Id);
        paprika.Method.ShouldBe(MappingMethod.New);
    }

    [Fact]
    public void Resolve_WhenMarketCapsAreFarApart_AnEqualNameStillMatchesWithLessConfidence()
    {
        // The 2013 rows of kaggle's coin_Bitcoin.csv carry a market cap of 1.6 billion; Bitcoin's is 572 billion in 2023.
        var resolver = Empty();
        var bitcoin = Resolve(resolver, Candidate(SourceNames.CoinPaprika, "btc-bitcoin", "BTC", "Bitcoin", 572_489_440_087m));

        var kaggle = Resolve(resolver, Candidate(SourceNames.Csv, "BTC", "BTC", "Bitcoin", 1_603_768_864.5m));

        kaggle.AssetId.ShouldBe(bitcoin.AssetId);
        kaggle.Confidence.ShouldBe(IdentityResolver.FarMarketCapsWeight);
        resolver.Evidence[new SourceKey(SourceNames.Csv, "BTC")].MatchedMarketCapUsd.ShouldBe(572_489_440_087m);
    }

    [Fact]
    public void Resolve_WhenMarketCapsAreFarApart_AMerelySimilarNameDoesNotMatch()
    {
        var resolver = Empty();
        var bitcoin = Resolve(resolver, Candidate(SourceNames.CoinPaprika, "btc-bitcoin", "BTC", "Bitcoin", 572_489_440_087m));

        var near = Resolve(resolver, Candidate(SourceNames.Csv, "BTC", "BTC", "Bitcoin USD", 1_603_768_864.5m));
        var close = Resolve(resolver, Candidate(SourceNames.Csv, "BTC-USD", "BTC", "Bitcoin USD", 500_000_000_000m));

        near.AssetId.ShouldNotBe(bitcoin.AssetId);
        resolver.Evidence[new SourceKey(SourceNames.Csv, "BTC")].Reason.ShouldContain("market caps over 100x apart");
        close.AssetId.ShouldBe(bitcoin.AssetId, "caps within 100x leave the similarity as it is");
        close.Confidence.ShouldBe(NameSimilarity.Score("bitcoinusd", "bitcoin"));
    }

    [Fact]
    public void Resolve_RecordsTheEvidenceOfEachNewMapping()
    {
        var resolver = Empty();
        Resolve(resolver, Candidate(SourceNames.CoinPaprika, "btc-bitcoin", "BTC", "Bitcoin", 1_000m));

        Resolve(resolver, Candidate(SourceNames.CoinGecko, "bitcoin", "BTC", "Bitcoin", 2_000m));
        Resolve(resolver, Candidate(SourceNames.Csv, "BTC", "BTC", "Bitcoin USD"));

        var paprika = resolver.Evidence[new SourceKey(SourceNames.CoinPaprika, "btc-bitcoin")];
        (paprika.Ticker, paprika.Name, paprika.MarketCapUsd, paprika.MatchedName).ShouldBe(("BTC", "Bitcoin", 1_000m, (string?)null));
        paprika.Reason.ShouldBe("new asset: no asset has ticker BTC");
        var gecko = resolver.Evidence[new SourceKey(SourceNames.CoinGecko, "bitcoin")];
        (gecko.MatchedName, gecko.MatchedMarketCapUsd).ShouldBe(("Bitcoin", (decimal?)1_000m));
        gecko.Reason.ShouldBe("the crosswalk names it beside coinpaprika:btc-bitcoin (bitcoin)");
        resolver.Evidence[new SourceKey(SourceNames.Csv, "BTC")].Reason.ShouldBe("ticker BTC and name 'Bitcoin USD' ~ 'Bitcoin' (similarity 0.94)");
    }

    [Fact]
    public void Resolve_AManualMapping_IsReusedAsItIs()
    {
        var asset = new Asset(Guid.NewGuid(), Ticker.FromStored("UNI"), "Uniswap", 10m, Now.AddDays(-1));
        var other = new Asset(Guid.NewGuid(), Ticker.FromStored("UNI"), "Universe", 5m, Now.AddDays(-1));
        var manual = new AssetSourceMapping(new SourceKey(SourceNames.Csv, "UNI"), other.Id, MappingMethod.Manual, 1m, Now);
        var resolver = new IdentityResolver([asset, other], [manual], []);

        var resolution = Resolve(resolver, Candidate(SourceNames.Csv, "UNI", "UNI", "Uniswap"));

        resolution.ShouldBe(new AssetResolution(other.Id, MappingMethod.Manual, 1m));
        resolver.CreatedMappings.ShouldBeEmpty();
    }

    [Fact]
    public void Constructor_WhenThresholdOutOfRange_Throws()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new IdentityResolver([], [], [], 0m));
        Should.Throw<ArgumentOutOfRangeException>(() => new IdentityResolver([], [], [], 1.01m));
    }
}
