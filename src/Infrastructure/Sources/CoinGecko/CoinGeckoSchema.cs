using Kasparro.Infrastructure.Sources.Api;

namespace Kasparro.Infrastructure.Sources.CoinGecko;

/// <summary>The shape of a CoinGecko <c>/coins/markets</c> item (26 base keys), and the fields read from it.</summary>
internal static class CoinGeckoSchema
{
    public const string Stream = "markets";

    public static ApiSchema Markets { get; } = new(
        [
            new ExpectedField(ApiField.Id, "id", Required: true),
            new ExpectedField(ApiField.Symbol, "symbol", Required: true),
            new ExpectedField(ApiField.Name, "name", Required: false),
            new ExpectedField(ApiField.LastUpdated, "last_updated", Required: true),
            new ExpectedField(ApiField.Price, "current_price", Required: true),
            new ExpectedField(ApiField.MarketCap, "market_cap", Required: false),
            new ExpectedField(ApiField.Volume24h, "total_volume", Required: false),
            new ExpectedField(ApiField.PercentChange24h, "price_change_percentage_24h", Required: false),
        ],
        new Dictionary<string, string[]>
        {
            [string.Empty] =
            [
                "image", "market_cap_rank", "fully_diluted_valuation", "high_24h", "low_24h", "price_change_24h",
                "market_cap_change_24h", "market_cap_change_percentage_24h", "circulating_supply", "total_supply", "max_supply",
                "ath", "ath_change_percentage", "ath_date", "atl", "atl_change_percentage", "atl_date", "roi", "sparkline_in_7d",
            ],
        },
        IsOptionalExtra);

    /// <summary>Fields present only when asked for: <c>price_change_percentage_7d_in_currency</c> and the like.</summary>
    private static bool IsOptionalExtra(string scope, string name) =>
        scope.Length == 0 && name.StartsWith("price_change_percentage_", StringComparison.Ordinal) && name.EndsWith("_in_currency", StringComparison.Ordinal);
}
