using Kasparro.Application.Ingestion.RunIngestion;

namespace Kasparro.IntegrationTests.Sources;

/// <summary>The three sources meet in one canonical asset table: identity by crosswalk and name, never by symbol alone.</summary>
public sealed class CrossSourceIdentityTests : ApiSourceTestBase, IDisposable
{
    private readonly TempCsvFolder _csv = new();

    public void Dispose() => _csv.Dispose();

    [Fact]
    public async Task Ingest_BitcoinFromEverySource_IsOneAssetWithThreeMappings()
    {
        Stub.On("/v1/tickers", null, Responses.Bytes(ApiFixtures.Bytes(ApiFixtures.PaprikaTickers)));
        Stub.On("/api/v3/coins/markets", 1, Responses.Bytes(ApiFixtures.Bytes(ApiFixtures.GeckoMarkets20)));
        _csv.Write("prices.csv", TempCsvFolder.Header + "\nBTC,Bitcoin,2026-07-11T00:00:00Z,64000.5,1280000000000,20000000000\n");
        var app = App(csvPath: _csv.Path);

        (await app.IngestAsync("coinpaprika")).Status.ShouldBe(SourceRunStatus.Succeeded);
        (await app.IngestAsync("coingecko")).Status.ShouldBe(SourceRunStatus.Succeeded);
        (await app.IngestAsync("csv")).Status.ShouldBe(SourceRunStatus.Succeeded);

        (await app.TextsAsync("""
            SELECT concat_ws('|', s.source, s.source_asset_id, s.method)
            FROM asset_sources s
            WHERE s.asset_id = (SELECT asset_id FROM asset_sources WHERE source = 'coinpaprika' AND source_asset_id = 'btc-bitcoin')
            ORDER BY s.source
            """)).ShouldBe(["coingecko|bitcoin|crosswalk", "coinpaprika|btc-bitcoin|new", "csv|BTC|symbol+name"]);
        (await app.CountAsync("SELECT count(DISTINCT asset_id) FROM quotes WHERE ticker = 'BTC'")).ShouldBe(1);
        (await app.CountAsync("SELECT count(*) FROM quotes WHERE ticker = 'BTC'")).ShouldBe(3);
    }

    [Fact]
    public async Task Ingest_WrappedTokens_AreAssetsOfTheirOwn()
    {
        Stub.On("/v1/tickers", null, Responses.Bytes(ApiFixtures.Bytes(ApiFixtures.PaprikaTickers)));
        var app = App();

        await app.IngestAsync("coinpaprika");

        var assets = await app.TextsAsync("""
            SELECT source_asset_id || '|' || dense_rank() OVER (ORDER BY asset_id)
            FROM asset_sources
            WHERE source_asset_id IN ('btc-bitcoin', 'wbtc-wrapped-bitcoin', 'eth-ethereum', 'weth-weth')
            """);
        assets.Count.ShouldBe(4);
        assets.Select(a => a.Split('|')[1]).Distinct().Count().ShouldBe(4);
        (await app.TextsAsync("SELECT DISTINCT ticker FROM quotes WHERE source_asset_id IN ('wbtc-wrapped-bitcoin', 'weth-weth') ORDER BY ticker")).ShouldBe(["WBTC", "WETH"]);
    }
}
