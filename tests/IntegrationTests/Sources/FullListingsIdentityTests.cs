using System.Globalization;
using Kasparro.Application.Ingestion.RunIngestion;
using Kasparro.Domain.Markets;
using Kasparro.IntegrationTests.Fixtures;
using Xunit.Abstractions;

namespace Kasparro.IntegrationTests.Sources;

/// <summary>
/// Identity measured on every recorded price listing of both catalog sources (CoinPaprika 2019 and 2023, CoinGecko
/// 2021 to 2026; 5,840 records), loaded oldest first as scheduled runs would have met them.
/// </summary>
public sealed class FullListingsIdentityTests(ITestOutputHelper output) : ApiSourceTestBase
{
    /// <summary>Every recorded listing with prices, oldest first.</summary>
    private static readonly (string Source, string Fixture)[] Listings =
    [
        (SourceNames.CoinPaprika, "coinpaprika/tickers_usd_2620_2019-10-legacy.json"),
        (SourceNames.CoinGecko, "coingecko/markets_usd_p1_100_2021-06-24.json"),
        (SourceNames.CoinGecko, "coingecko/markets_usd_p1_100_2023-04-25.json"),
        (SourceNames.CoinPaprika, ApiFixtures.PaprikaTickers),
        (SourceNames.CoinGecko, "coingecko/markets_usd_p1_100_2023-08-12.json"),
        (SourceNames.CoinGecko, "coingecko/markets_usd_p1_100_2024-03-12.json"),
        (SourceNames.CoinGecko, "coingecko/markets_usd_p1_100_2024-09-05.json"),
        (SourceNames.CoinGecko, "coingecko/markets_usd_p1_100_2025-11-22.json"),
        (SourceNames.CoinGecko, ApiFixtures.GeckoMarkets100),
        (SourceNames.CoinGecko, ApiFixtures.GeckoMarkets20),
    ];

    /// <summary>Wrapped, bridged and staked tokens of the listings, each beside the coin it wraps.</summary>
    private static readonly (string Source, string Token, string Underlying)[] WrappedTokens =
    [
        (SourceNames.CoinGecko, "wrapped-bitcoin", "bitcoin"),
        (SourceNames.CoinGecko, "weth", "ethereum"),
        (SourceNames.CoinGecko, "staked-ether", "ethereum"),
        (SourceNames.CoinGecko, "binance-peg-weth", "weth"),
        (SourceNames.CoinGecko, "ronin-bridged-weth-ronin", "weth"),
        (SourceNames.CoinGecko, "binance-bridged-usdc-bnb-smart-chain", "usd-coin"),
        (SourceNames.CoinGecko, "wrapped-solana", "solana"),
        (SourceNames.CoinPaprika, "wbtc-wrapped-bitcoin", "btc-bitcoin"),
        (SourceNames.CoinPaprika, "weth-weth", "eth-ethereum"),
        (SourceNames.CoinPaprika, "steth-lido-staked-ether", "eth-ethereum"),
    ];

    /// <summary>Different coins of the listings sharing a ticker, whose names differ by a word or not at all.</summary>
    private static readonly (string Source, string Id, string OtherSource, string OtherId)[] DifferentCoins =
    [
        (SourceNames.CoinPaprika, "pepeai1-pepe-ai", SourceNames.CoinPaprika, "pepeai2-pepe-ai"),
        (SourceNames.CoinPaprika, "luna-terra", SourceNames.CoinPaprika, "luna-terra-v2"),
        (SourceNames.CoinPaprika, "dot-polkadot-iou", SourceNames.CoinGecko, "polkadot"),
        (SourceNames.CoinPaprika, "comp-compound-coin", SourceNames.CoinGecko, "compound-governance-token"),
        (SourceNames.CoinGecko, "bittorrent", SourceNames.CoinGecko, "bittorrent-2"),
        (SourceNames.CoinPaprika, "kcs-kucoin-shares", SourceNames.CoinGecko, "kucoin-shares"),
    ];

    private const string MappingsSnapshotSql =
        "SELECT string_agg(concat_ws('|', source, source_asset_id, asset_id, method, confidence), E'\\n' ORDER BY source, source_asset_id) FROM asset_sources";

    [Fact]
    public async Task Load_OfEveryRecordedListing_KeepsCatalogIdsApart_UnifiesTheCrosswalk_AndLoadedAgainChangesNothing()
    {
        var app = App(batchSize: 1_000);
        await LoadAllAsync(app);

        (await app.TextsAsync("""
            SELECT asset_id || ' ' || source FROM asset_sources WHERE source IN ('coinpaprika', 'coingecko')
            GROUP BY asset_id, source HAVING count(*) > 1
            """)).ShouldBeEmpty("an asset holds at most one id of each catalog source");
        (await app.TextsAsync("""
            SELECT c.canonical_key FROM asset_crosswalk c JOIN asset_sources m USING (source, source_asset_id)
            GROUP BY c.canonical_key HAVING count(DISTINCT m.asset_id) > 1
            """)).ShouldBeEmpty("every coin of the curated crosswalk is one asset across sources");
        (await app.CountAsync("""
            SELECT count(*) FROM (
                SELECT c.canonical_key FROM asset_crosswalk c JOIN asset_sources m USING (source, source_asset_id)
                GROUP BY c.canonical_key HAVING count(DISTINCT m.source) = 2) AS both_loaded
            """)).ShouldBeGreaterThanOrEqualTo(150, "the listings hold both ids of most crosswalk coins");
        foreach (var (source, token, underlying) in WrappedTokens)
        {
            var assets = await AssetsOfAsync(app, (source, token), (source, underlying));
            assets.Distinct().Count().ShouldBe(2, $"{source}:{token} is not {source}:{underlying}");
        }

        foreach (var (source, id, otherSource, otherId) in DifferentCoins)
        {
            var assets = await AssetsOfAsync(app, (source, id), (otherSource, otherId));
            assets.Distinct().Count().ShouldBe(2, $"{source}:{id} is not {otherSource}:{otherId}");
        }

        await ReportFiguresAsync(app);
        var mappings = await app.TextAsync(MappingsSnapshotSql);
        var counts = await CountsAsync(app);

        // Loaded again from the start (no checkpoints, a process that remembers nothing), every key resolves as before.
        (await app.CountAsync("WITH d AS (DELETE FROM etl_checkpoints RETURNING 1) SELECT count(*) FROM d")).ShouldBeGreaterThan(0);
        var again = App(batchSize: 1_000);
        await LoadAllAsync(again);

        (await again.TextAsync(MappingsSnapshotSql)).ShouldBe(mappings);
        (await CountsAsync(again)).ShouldBe(counts);
    }

    private async Task LoadAllAsync(IngestionApp app)
    {
        foreach (var (source, fixture) in Listings)
        {
            var body = Responses.Bytes(ApiFixtures.Bytes(fixture));
            if (source == SourceNames.CoinPaprika)
            {
                Stub.On("/v1/tickers", null, body);
            }
            else
            {
                Stub.On("/api/v3/coins/markets", 1, body);
                Stub.On("/api/v3/coins/markets", 2, Responses.Json("[]"));
            }

            var run = await app.IngestAsync(source);
            run.Status.ShouldBe(SourceRunStatus.Succeeded, $"{fixture}: {run.Error}");
        }
    }

    private static async Task<IReadOnlyList<string>> AssetsOfAsync(IngestionApp app, params (string Source, string Id)[] keys)
    {
        var found = new List<string>();
        foreach (var (source, id) in keys)
        {
            var asset = await app.TextAsync($"SELECT asset_id::text FROM asset_sources WHERE source = '{source}' AND source_asset_id = '{id}'");
            found.Add(asset.ShouldNotBeNull($"{source}:{id} is in the listings"));
        }

        return found;
    }

    /// <summary>Assets, quotes and decision records: what a second load must not add to.</summary>
    private static async Task<string> CountsAsync(IngestionApp app) =>
        (await app.TextAsync("SELECT concat_ws(' ', (SELECT count(*) FROM assets), (SELECT count(*) FROM quotes), (SELECT count(*) FROM identity_decisions))"))!;

    /// <summary>The figures of this measure, in the test's output: assets, mappings by method, tickers several assets hold.</summary>
    private async Task ReportFiguresAsync(IngestionApp app)
    {
        output.WriteLine(await app.TextAsync("SELECT 'assets: ' || count(*) FROM assets"));
        foreach (var line in await app.TextsAsync("SELECT method || ': ' || count(*) FROM asset_sources GROUP BY method ORDER BY method"))
        {
            output.WriteLine(line);
        }

        foreach (var line in await app.TextsAsync("""
            SELECT m.method || ' ' || trim_scale(m.confidence) || ' ' || m.source || ':' || m.source_asset_id || ' -> ' || coalesce(a.name, '?')
            FROM asset_sources m JOIN assets a ON a.id = m.asset_id WHERE m.method NOT IN ('new', 'crosswalk') ORDER BY m.confidence, m.source_asset_id
            """))
        {
            output.WriteLine(line);
        }

        var shared = await app.TextsAsync("SELECT ticker || ' x' || count(*) FROM assets GROUP BY ticker HAVING count(*) > 1 ORDER BY count(*) DESC, ticker");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tickers held by several assets: {shared.Count}: {string.Join(", ", shared)}"));
    }
}
