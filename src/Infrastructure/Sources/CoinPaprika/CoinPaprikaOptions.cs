using Kasparro.Infrastructure.Sources.Http;

namespace Kasparro.Infrastructure.Sources.CoinPaprika;

/// <summary>How the CoinPaprika source is reached, and the schema drift threshold it applies.</summary>
internal sealed record CoinPaprikaOptions(ApiSourceSettings Http, decimal DriftThreshold)
{
    public const string FreeBaseUrl = "https://api.coinpaprika.com/v1/";
    public const string ProBaseUrl = "https://api-pro.coinpaprika.com/v1/";
    public static readonly RateLimit DefaultRateLimit = new(10, TimeSpan.FromMinutes(1));
}
