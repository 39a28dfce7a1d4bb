using System.Globalization;
using Kasparro.IntegrationTests.Api.Runs;

namespace Kasparro.IntegrationTests.Api.StatusPage;

/// <summary>
/// A database the status page tests fill, on the app's clock (<see cref="ApiFactory.Time"/>, 2026-11-22 12:00 UTC) with
/// a one-hour schedule. Each source's newest quote sits in a different freshness band: coinpaprika 30 min old (fresh),
/// coingecko 3 h (past twice the schedule: stale), csv 6 h (past four times: expired). coinpaprika has twelve hourly
/// runs, one of which loaded 5 instead of 100 (anomalous); coingecko's last run failed; csv's last run, the newest of
/// all, ended partial. BTC is quoted by all three sources, ETH by coinpaprika alone; two drift events for coingecko.
/// </summary>
public class StatusPageData : KestrelApiFactory
{
    public const string CoinPaprikaNewestPrice = "87000.12345678";
    public const string CoinGeckoNewestPrice = "86990.5";

    /// <summary>The mean of the two prices above, exactly: the median of the bucket where only those two sources quote.</summary>
    public const string MedianOfTheNewestBucket = "86995.31172839";

    public const string CoinGeckoError = "HTTP 429 Too Many Requests from the CoinGecko API; retries exhausted";

    public DateTimeOffset Now => Time.GetUtcNow();

    public Guid NewestRun { get; private set; }

    public Guid AnomalousRun { get; private set; }

    protected override IReadOnlyDictionary<string, string?> AppSettings { get; } =
        new Dictionary<string, string?> { ["ETL_INTERVAL"] = "01:00:00", ["SOURCES"] = "coinpaprika,coingecko,csv" };

    protected override async Task SeedRowsAsync()
    {
        var now = Now;
        for (var hour = 12; hour >= 1; hour--)
        {
            var id = await this.RunAsync("coinpaprika", now.AddHours(-hour), durationMs: 1000 + (10 * hour), read: 102, loaded: hour == 5 ? 5 : 100, rejected: 2);
            AnomalousRun = hour == 5 ? id : AnomalousRun;
        }

        await this.RunAsync("coingecko", now.AddHours(-3), durationMs: 2500, read: 250, loaded: 250);
        await this.RunAsync("coingecko", now.AddHours(-2), status: "failed", durationMs: 800, error: CoinGeckoError);
        var gecko = await this.RunAsync("coingecko", now.AddMinutes(-40), status: "failed", durationMs: 900, error: CoinGeckoError, trigger: "manual");
        await this.RunAsync("csv", now.AddHours(-6), durationMs: 4000, read: 400, loaded: 400);
        NewestRun = await this.RunAsync("csv", now.AddMinutes(-20), status: "partial", durationMs: 3000, read: 45, loaded: 40, skipped: 2, rejected: 3, error: "stopped after 40 records", trigger: "startup");

        await this.DriftAsync("coingecko", gecko, now.AddMinutes(-41), "market_cap", null, 0m, "missing", "market_cap is missing and nothing like it was found");
        await this.DriftAsync("coingecko", gecko, now.AddMinutes(-40), "current_price", "price_current", 0.87m, "mapped", "current_price was renamed price_current (confidence 0.87)");

        var btc = await this.AssetAsync("BTC", "Bitcoin", 1_700_000_000_000m);
        await this.MappingAsync(btc, "coinpaprika", "btc-bitcoin", "crosswalk");
        await this.MappingAsync(btc, "coingecko", "bitcoin", "crosswalk");
        await this.MappingAsync(btc, "csv", "BTC", "symbol+name", 0.93m);
        for (var hour = 5; hour >= 1; hour--)
        {
            await this.QuoteAsync(btc, "BTC", "coinpaprika", "btc-bitcoin", now.AddHours(-hour - 0.5), 86_900m + hour);
            await this.QuoteAsync(btc, "BTC", "coingecko", "bitcoin", now.AddHours(-hour - 3.5), 86_950m + hour);
            await this.QuoteAsync(btc, "BTC", "csv", "BTC", now.AddHours(-hour - 6.5), 86_800m + hour);
        }

        await this.QuoteAsync(btc, "BTC", "coinpaprika", "btc-bitcoin", now.AddMinutes(-30), decimal.Parse(CoinPaprikaNewestPrice, CultureInfo.InvariantCulture));
        await this.QuoteAsync(btc, "BTC", "coingecko", "bitcoin", now.AddHours(-3), decimal.Parse(CoinGeckoNewestPrice, CultureInfo.InvariantCulture));
        await this.QuoteAsync(btc, "BTC", "csv", "BTC", now.AddHours(-6), 86_805.25m);

        var eth = await this.AssetAsync("ETH", "Ethereum", 400_000_000_000m);
        await this.MappingAsync(eth, "coinpaprika", "eth-ethereum", "crosswalk");
        await this.QuoteAsync(eth, "ETH", "coinpaprika", "eth-ethereum", now.AddMinutes(-30), 3100.5m);
        await this.QuoteAsync(eth, "ETH", "coinpaprika", "eth-ethereum", now.AddHours(-2), 3095.25m);
    }
}

/// <summary>The same database behind <c>API_KEYS</c>.</summary>
public sealed class KeyedStatusPageData : StatusPageData
{
    public const string Key = "status-page-read-key";

    protected override IReadOnlyDictionary<string, string?> AppSettings { get; } = new Dictionary<string, string?>
    {
        ["ETL_INTERVAL"] = "01:00:00",
        ["SOURCES"] = "coinpaprika,coingecko,csv",
        ["API_KEYS"] = Key,
    };
}
