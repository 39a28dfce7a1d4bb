using System.Globalization;
using Kasparro.Infrastructure.Sources.Api;
using Kasparro.Infrastructure.Sources.Http;

namespace Kasparro.Infrastructure.Sources.CoinGecko;

/// <summary>The CoinGecko endpoints the source reads.</summary>
internal interface ICoinGeckoClient
{
    /// <summary><c>GET coins/markets</c>, USD, by market cap: one page as a JSON array read as it arrives.</summary>
    Task<ApiJsonResponse> GetMarketsPageAsync(int page, int pageSize, CancellationToken cancellationToken);
}

/// <summary>
/// The typed HTTP client (see <see cref="SourceHttpClientRegistration.AddSourceHttpClient{TClient, TImplementation}"/>):
/// base address, key header and politeness come with the <see cref="HttpClient"/> it is given.
/// </summary>
internal sealed class CoinGeckoClient(HttpClient http, CoinGeckoOptions options, TimeProvider time) : ICoinGeckoClient
{
    public static string MarketsPath(int page, int pageSize) =>
        string.Create(CultureInfo.InvariantCulture, $"coins/markets?vs_currency=usd&order=market_cap_desc&per_page={pageSize}&page={page}");

    public Task<ApiJsonResponse> GetMarketsPageAsync(int page, int pageSize, CancellationToken cancellationToken) =>
        ApiJsonResponse.GetAsync(http, options.Http, time, MarketsPath(page, pageSize), cancellationToken);
}
