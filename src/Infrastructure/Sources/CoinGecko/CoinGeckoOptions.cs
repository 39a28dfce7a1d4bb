using Kasparro.Infrastructure.Sources.Http;

namespace Kasparro.Infrastructure.Sources.CoinGecko;

/// <summary>How the CoinGecko source is reached, how many pages of how many coins it reads, and its drift threshold.</summary>
internal sealed record CoinGeckoOptions(ApiSourceSettings Http, int PageLimit, int PageSize, decimal DriftThreshold)
{
    public const string PublicBaseUrl = "https://api.coingecko.com/api/v3/";
    public const string ProBaseUrl = "https://pro-api.coingecko.com/api/v3/";
    public const string DemoKeyHeader = "x-cg-demo-api-key";
    public const string ProKeyHeader = "x-cg-pro-api-key";
    public static readonly RateLimit DefaultRateLimit = new(25, TimeSpan.FromMinutes(1));
    public const int DefaultPageLimit = 4;
    public const int MaxPageSize = 250;
}
