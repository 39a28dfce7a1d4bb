using Kasparro.Infrastructure.Sources.Api;
using Kasparro.Infrastructure.Sources.Http;

namespace Kasparro.Infrastructure.Sources.CoinPaprika;

/// <summary>The CoinPaprika endpoints the source reads.</summary>
internal interface ICoinPaprikaClient
{
    /// <summary><c>GET tickers?quotes=USD</c>: every ticker, as one JSON array read as it arrives.</summary>
    Task<ApiJsonResponse> GetTickersAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The typed HTTP client (see <see cref="SourceHttpClientRegistration.AddSourceHttpClient{TClient, TImplementation}"/>):
/// base address, key header and politeness come with the <see cref="HttpClient"/> it is given.
/// </summary>
internal sealed class CoinPaprikaClient(HttpClient http, CoinPaprikaOptions options, TimeProvider time) : ICoinPaprikaClient
{
    public const string TickersPath = "tickers?quotes=USD";

    public Task<ApiJsonResponse> GetTickersAsync(CancellationToken cancellationToken) =>
        ApiJsonResponse.GetAsync(http, options.Http, time, TickersPath, cancellationToken);
}
