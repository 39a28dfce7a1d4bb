using Kasparro.Infrastructure.Sources.Api;

namespace Kasparro.Infrastructure.Sources.CoinPaprika;

/// <summary>The shape of a CoinPaprika <c>/v1/tickers?quotes=USD</c> item, and the fields read from it.</summary>
internal static class CoinPaprikaSchema
{
    public const string Stream = "tickers";

    public static ApiSchema Tickers { get; } = new(
        [
            new ExpectedField(ApiField.Id, "id", Required: true),
            new ExpectedField(ApiField.Symbol, "symbol", Required: true),
            new ExpectedField(ApiField.Name, "name", Required: false),
            new ExpectedField(ApiField.LastUpdated, "last_updated", Required: true),
            new ExpectedField(ApiField.Price, "quotes.USD.price", Required: true),
            new ExpectedField(ApiField.MarketCap, "quotes.USD.market_cap", Required: false),
            new ExpectedField(ApiField.Volume24h, "quotes.USD.volume_24h", Required: false),
            new ExpectedField(ApiField.PercentChange24h, "quotes.USD.percent_change_24h", Required: false),
        ],
        new Dictionary<string, string[]>
        {
            [string.Empty] = ["rank", "circulating_supply", "total_supply", "max_supply", "beta_value", "first_data_at", "quotes"],
            ["quotes"] = ["USD"],
            ["quotes.USD"] =
            [
                "volume_24h_change_24h", "market_cap_change_24h", "percent_change_15m", "percent_change_30m", "percent_change_1h",
                "percent_change_6h", "percent_change_12h", "percent_change_7d", "percent_change_30d", "percent_change_1y",
                "ath_price", "ath_date", "percent_from_price_ath",
            ],
        });
}
