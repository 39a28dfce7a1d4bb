using Microsoft.Extensions.DependencyInjection;

namespace Kasparro.Infrastructure.Sources.Http;

public static class SourceHttpClientRegistration
{
    /// <summary>
    /// A typed client for one API source: base address and key header from <paramref name="settings"/>, and the
    /// source's politeness (rate limit, timeouts, retries honouring Retry-After, circuit breaker) in its handler chain.
    /// After the last attempt the handler returns the final failed response, or throws the final exception.
    /// </summary>
    public static IHttpClientBuilder AddSourceHttpClient<TClient, TImplementation>(this IServiceCollection services, ApiSourceSettings settings)
        where TClient : class
        where TImplementation : class, TClient
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddKeyedSingleton(settings.Source, settings);
        return services.AddHttpClient<TClient, TImplementation>(settings.Source, client =>
        {
            client.BaseAddress = settings.BaseUrl;

            // Timeouts belong to the resilience pipeline, per attempt and in total.
            client.Timeout = Timeout.InfiniteTimeSpan;
            if (settings.AuthHeaderName is not null && settings.AuthHeaderValue is not null)
            {
                client.DefaultRequestHeaders.TryAddWithoutValidation(settings.AuthHeaderName, settings.AuthHeaderValue);
            }
        });
    }
}
