using Kasparro.IntegrationTests.Fixtures;

namespace Kasparro.IntegrationTests.Delivery;

/// <summary><c>make identity-report</c>'s script on a database, as an operator runs it against <c>DATABASE_URL</c>.</summary>
public sealed class IdentityReportScriptTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task IdentityReport_CountsMethodsByConfidenceBand_ListsTheLeastSureMerges_AndEveryTickerSeveralAssetsHold()
    {
        await database.ExecuteAsync("""
            INSERT INTO assets (id, ticker, name, normalized_name, market_cap_usd, created_at, updated_at) VALUES
                ('0195f3c1-0000-7000-8000-0000000000a1', 'UNI', 'Uniswap', 'uniswap', 4000000000, now(), now()),
                ('0195f3c1-0000-7000-8000-0000000000a2', 'UNI', 'Universe', 'universe', 5, now(), now()),
                ('0195f3c1-0000-7000-8000-0000000000a3', 'BTC', 'Bitcoin', 'bitcoin', 1, now(), now())
            """);
        await database.ExecuteAsync("""
            INSERT INTO asset_sources (source, source_asset_id, asset_id, method, confidence, created_at) VALUES
                ('coingecko', 'uniswap', '0195f3c1-0000-7000-8000-0000000000a1', 'new', 1, now()),
                ('coinpaprika', 'uni-uniswap', '0195f3c1-0000-7000-8000-0000000000a1', 'crosswalk', 1, now()),
                ('coinpaprika', 'uni-universe', '0195f3c1-0000-7000-8000-0000000000a2', 'new', 1, now()),
                ('coinpaprika', 'btc-bitcoin', '0195f3c1-0000-7000-8000-0000000000a3', 'new', 1, now()),
                ('csv', 'BTC', '0195f3c1-0000-7000-8000-0000000000a3', 'symbol+name', 0.94, now()),
                ('csv', 'XBT', '0195f3c1-0000-7000-8000-0000000000a3', 'symbol', 0.45, now())
            """);

        var result = await RepositoryScript.RunAsync(
            new Dictionary<string, string> { ["DATABASE_URL"] = RepositoryScript.PostgresUrl(database.ConnectionString) },
            TimeSpan.FromMinutes(2),
            "scripts/identity_report.sh");

        result.ExitCode.ShouldBe(0, result.Output);
        result.Lines.ShouldBe(
        [
            "== identity: assets and mappings",
            "assets | mappings | shared_tickers",
            "3 | 6 | 1",
            "== mappings by method and confidence band",
            "method | confidence_band | mappings",
            "crosswalk | 1 | 1",
            "new | 1 | 3",
            "symbol | [0, 0.5) | 1",
            "symbol+name | [0.88, 0.95) | 1",
            "== the 20 least sure merges (mappings that joined an existing asset)",
            "confidence | method | source_id | source_name | ticker | asset_name | asset_id",
            "0.45 | symbol | csv:XBT |  | BTC | Bitcoin | 0195f3c1-0000-7000-8000-0000000000a3",
            "0.94 | symbol+name | csv:BTC |  | BTC | Bitcoin | 0195f3c1-0000-7000-8000-0000000000a3",
            "1 | crosswalk | coinpaprika:uni-uniswap |  | UNI | Uniswap | 0195f3c1-0000-7000-8000-0000000000a1",
            "== tickers held by several assets",
            "ticker | assets | held_by",
            "UNI | 2 | Uniswap [coingecko:uniswap, coinpaprika:uni-uniswap]; Universe [coinpaprika:uni-universe]",
        ]);
    }
}
