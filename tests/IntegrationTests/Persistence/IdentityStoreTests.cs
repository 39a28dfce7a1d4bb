using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Assets;
using Kasparro.Domain.Markets;
using Kasparro.Infrastructure.Persistence.Ingestion;
using Kasparro.IntegrationTests.Fixtures;
using static Kasparro.IntegrationTests.Persistence.TestData;

namespace Kasparro.IntegrationTests.Persistence;

/// <summary>Identity decisions through <see cref="PostgresIdentityStore"/>, against a real database.</summary>
public sealed class IdentityStoreTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private readonly PostgresIdentityStore _identities = Identities(db.Database);

    [Fact]
    public async Task Decide_StoresAssetsAndMappings_TheFirstMappingWins_AndAssetsOnlyGrowTheirMarketCap()
    {
        var asset = Asset("GROW", name: null, marketCap: 1_000m);
        await db.Database.StoreIdentitiesAsync([asset], [Mapping(asset, "grow", confidence: 0.93456m)]);

        var named = new Asset(asset.Id, asset.Ticker, "Grow Coin", 500m, T0);
        await db.Database.StoreIdentitiesAsync([named], [Mapping(named, "grow", method: MappingMethod.Crosswalk)]);

        (await db.ScalarAsync<string>("SELECT name FROM assets WHERE id = $1", asset.Id)).ShouldBe("Grow Coin");
        (await db.ScalarAsync<string>("SELECT normalized_name FROM assets WHERE id = $1", asset.Id)).ShouldBe("growcoin");
        (await db.ScalarAsync<decimal>("SELECT market_cap_usd FROM assets WHERE id = $1", asset.Id)).ShouldBe(1_000m);
        (await db.ScalarAsync<string>("SELECT method FROM asset_sources WHERE source_asset_id = 'grow'")).ShouldBe("new");
        (await db.ScalarAsync<decimal>("SELECT confidence FROM asset_sources WHERE source_asset_id = 'grow'")).ShouldBe(0.9346m);
    }

    [Fact]
    public async Task StoreLearned_AdoptsAFirstNameAndALargerMarketCap_AndKeepsWhatIsKnown()
    {
        var asset = Asset("LRND", name: null, marketCap: 1_000m);
        await db.Database.StoreIdentitiesAsync([asset]);

        await _identities.StoreLearnedAsync([new Asset(asset.Id, asset.Ticker, "Learned Coin", 2_000m, T0)], CancellationToken.None);
        await _identities.StoreLearnedAsync([new Asset(asset.Id, asset.Ticker, "Other Name", 1_500m, T0)], CancellationToken.None);

        (await db.ScalarAsync<string>("SELECT name FROM assets WHERE id = $1", asset.Id)).ShouldBe("Learned Coin");
        (await db.ScalarAsync<decimal>("SELECT market_cap_usd FROM assets WHERE id = $1", asset.Id)).ShouldBe(2_000m);
    }

    [Fact]
    public async Task Decide_SeesMappingsCrosswalkSiblingsAndAssetsOfTheTickers()
    {
        var bitcoin = Asset("BTC", "Bitcoin", 1_000_000m);
        var otherUni = Asset("IDNT", "Identity Token");
        await db.Database.StoreIdentitiesAsync([bitcoin, otherUni], [Mapping(bitcoin, "btc-bitcoin", SourceNames.CoinPaprika, MappingMethod.New)]);

        var snapshot = await SnapshotAsync([new SourceKey(SourceNames.CoinGecko, "bitcoin")], ["IDNT"]);

        snapshot.Crosswalk.ShouldContain(new CrosswalkEntry("bitcoin", new SourceKey(SourceNames.CoinPaprika, "btc-bitcoin")));
        snapshot.Crosswalk.ShouldContain(new CrosswalkEntry("bitcoin", new SourceKey(SourceNames.CoinGecko, "bitcoin")));
        snapshot.Mappings.ShouldHaveSingleItem().Key.ShouldBe(new SourceKey(SourceNames.CoinPaprika, "btc-bitcoin"));
        snapshot.Assets.Select(a => a.Id).ShouldBe([bitcoin.Id, otherUni.Id], ignoreOrder: true);
        var restored = snapshot.Assets.Single(a => a.Id == bitcoin.Id);
        restored.Ticker.Value.ShouldBe("BTC");
        restored.MarketCapUsd.ShouldBe(1_000_000m);
        restored.NormalizedName.ShouldBe("bitcoin");

        var resolver = new IdentityResolver(snapshot.Assets, snapshot.Mappings, snapshot.Crosswalk);
        resolver.Resolve(new IdentityCandidate(new SourceKey(SourceNames.CoinGecko, "bitcoin"), Ticker.FromStored("BTC"), "Bitcoin", null), Guid.CreateVersion7, T0)
            .ShouldBe(new AssetResolution(bitcoin.Id, MappingMethod.Crosswalk, 1m));
    }

    [Fact]
    public async Task Decide_WhileAnotherSourceDecides_WaitsForItsDecisionAndSeesItsAssets()
    {
        var waitAsset = Asset("WAIT", "Wait Coin");
        using var deciding = new SemaphoreSlim(0);
        using var release = new SemaphoreSlim(0);
        var first = Task.Run(() => _identities.DecideAsync([new SourceKey(SourceNames.CoinGecko, "wait-coin")], ["WAIT"], _ =>
        {
            deciding.Release();
            release.Wait(TimeSpan.FromSeconds(30)).ShouldBeTrue("the test releases the first decision");
            return new IdentityDecision<bool>(true, [waitAsset], [Mapping(waitAsset, "wait-coin", SourceNames.CoinGecko)]);
        }, CancellationToken.None));
        (await deciding.WaitAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue("the first decision reads its snapshot");

        var waiting = SnapshotAsync([new SourceKey(SourceNames.Csv, "WAIT")], ["WAIT"]);
        await WaitUntilAsync(AdvisoryWaitersAsync, waiters => waiters == 1);
        waiting.IsCompleted.ShouldBeFalse("the second decision must wait for the identity lock");

        release.Release();
        (await first).ShouldBeTrue();
        var snapshot = await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        snapshot.Assets.ShouldHaveSingleItem().Id.ShouldBe(waitAsset.Id);
    }

    [Fact]
    public async Task Decide_WhenTheDeciderThrows_ReleasesTheIdentityLock()
    {
        var failure = new InvalidOperationException("the decider failed");

        var thrown = await Should.ThrowAsync<InvalidOperationException>(() => _identities.DecideAsync<bool>(
            [new SourceKey(SourceNames.Csv, "thrw")], ["THRW"], _ => throw failure, CancellationToken.None));
        var after = await SnapshotAsync([new SourceKey(SourceNames.Csv, "thrw")], ["THRW"]).WaitAsync(TimeSpan.FromSeconds(10));

        thrown.ShouldBeSameAs(failure);
        after.Assets.ShouldBeEmpty();
    }

    [Fact]
    public async Task Decide_RecordsEachMappingItStoresAsADecision_WithItsEvidence_Once()
    {
        var asset = Asset("EVDN", "Evidence Coin", 5m);
        var mapping = Mapping(asset, "evdn-evidence-coin", SourceNames.CoinPaprika, MappingMethod.SymbolAndName, 0.93m);
        var evidence = new Dictionary<SourceKey, MappingEvidence>
        {
            [mapping.Key] = new("EVDN", "Evidence Coin!", 7m, "Evidence Coin", 5m, "ticker EVDN and name 'Evidence Coin!' ~ 'Evidence Coin'"),
        };

        await _identities.DecideAsync([], [], _ => new IdentityDecision<bool>(true, [asset], [mapping], evidence), CancellationToken.None);
        await db.Database.StoreIdentitiesAsync([asset], [mapping with { Method = MappingMethod.New }]);

        (await db.ScalarAsync<string>("""
            SELECT string_agg(concat_ws('|', what, asset_id, method, trim_scale(confidence), who, reason, after->>'name', after->>'matched_name', after->>'market_cap_usd'), ';')
            FROM identity_decisions WHERE source_asset_id = 'evdn-evidence-coin'
            """)).ShouldBe($"map|{asset.Id}|symbol+name|0.93|resolver|ticker EVDN and name 'Evidence Coin!' ~ 'Evidence Coin'|Evidence Coin!|Evidence Coin|7");
    }

    [Fact]
    public async Task Decide_SeesTheCatalogIdsTheCandidateAssetsHold_AndTheCrosswalkRowsOfThem()
    {
        var ethereum = Asset("ETH", "Ethereum", 10m);
        await db.Database.StoreIdentitiesAsync([ethereum], [Mapping(ethereum, "eth-ethereum", SourceNames.CoinPaprika), Mapping(ethereum, "ETH", SourceNames.Csv)]);

        var snapshot = await SnapshotAsync([new SourceKey(SourceNames.Csv, "ETH-2")], ["ETH"]);

        snapshot.Mappings.Select(m => m.Key).ShouldBe([new SourceKey(SourceNames.CoinPaprika, "eth-ethereum")], "a candidate's catalog ids, not its CSV ones");
        snapshot.Crosswalk.ShouldContain(new CrosswalkEntry("ethereum", new SourceKey(SourceNames.CoinGecko, "ethereum")));
    }

    [Fact]
    public async Task Store_OfASecondIdOfOneCatalogOnAnAsset_IsRefusedByTheDatabase()
    {
        var asset = Asset("TWIN", "Twin");
        await db.Database.StoreIdentitiesAsync([asset], [Mapping(asset, "twin-a", SourceNames.CoinGecko), Mapping(asset, "TWIN", SourceNames.Csv), Mapping(asset, "TWIN-2", SourceNames.Csv)]);

        var refused = await Should.ThrowAsync<Npgsql.PostgresException>(() => db.Database.StoreIdentitiesAsync([asset], [Mapping(asset, "twin-b", SourceNames.CoinGecko)]));

        refused.ConstraintName.ShouldBe("ux_asset_sources_one_id_per_catalog");
    }

    [Fact]
    public async Task LastCorrection_IsTheNewestSplitOrMergeRecord()
    {
        var before = await _identities.LastCorrectionAsync(CancellationToken.None);
        await db.Database.StoreIdentitiesAsync([Asset("LCOR", "Last")], []);
        (await _identities.LastCorrectionAsync(CancellationToken.None)).ShouldBe(before, "mappings are no corrections");

        var id = await db.ScalarAsync<long>("""
            INSERT INTO identity_decisions (what, asset_id, other_asset_id, after, method, who, reason, decided_at)
            VALUES ('split', gen_random_uuid(), gen_random_uuid(), '[]', 'manual', 'admin:0123456789ab', 'test', now()) RETURNING id
            """);

        (await _identities.LastCorrectionAsync(CancellationToken.None)).ShouldBe(id);
    }

    /// <summary>What a decision about <paramref name="keys"/> and <paramref name="tickers"/> reads, deciding nothing.</summary>
    private Task<IdentitySnapshot> SnapshotAsync(IReadOnlyCollection<SourceKey> keys, IReadOnlyCollection<string> tickers) =>
        _identities.DecideAsync(keys, tickers, snapshot => new IdentityDecision<IdentitySnapshot>(snapshot, [], []), CancellationToken.None);

    /// <summary>Sessions of this database waiting for an advisory lock: the server's own view, no timing guess.</summary>
    private async Task<long> AdvisoryWaitersAsync()
    {
        await using var command = db.Database.DataSource.CreateCommand(
            "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task WaitUntilAsync<T>(Func<Task<T>> read, Func<T, bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition(await read()))
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
