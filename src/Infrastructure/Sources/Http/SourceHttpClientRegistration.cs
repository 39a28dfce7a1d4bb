using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kasparro.Infrastructure.Sources.Http;

public static class SourceHttpClientRegistration
{
    /// <summary>
    /// A typed client for one API source: base address and key header from <paramref name="settings"/>, and the
    /// source's politeness (rate limit, timeouts, retries honouring Retry-After, circuit breaker) in its handler chain
    /// (<see cref="ResilienceHandler"/>). After the last attempt the handler returns the final failed response, or throws
    /// the final exception. The source's <see cref="TokenBucketLimiter"/>, <see cref="SourceCircuitBreaker"/> and
    /// <see cref="SourceHttpTelemetry"/> are singletons keyed by <see cref="ApiSourceSettings.Source"/>.
    /// </summary>
    public static IHttpClientBuilder AddSourceHttpClient<TClient, TImplementation>(this IServiceCollection services, ApiSourceSettings settings)
        where TClient : class
        where TImplementation : class, TClient
    {
        ArgumentNullException.ThrowIfNull(settings);
        var source = settings.Source;
        services.AddKeyedSingleton(source, settings);
        services.TryAddKeyedSingleton(source, (_, _) => new SourceHttpTelemetry(source));
        services.TryAddKeyedSingleton(source, (provider, _) => new TokenBucketLimiter(settings.RateLimit, TimeOf(provider)));
        services.TryAddKeyedSingleton(source, (provider, _) => new SourceCircuitBreaker(
            settings,
            TimeOf(provider),
            provider.GetRequiredKeyedService<SourceHttpTelemetry>(source),
            LoggersOf(provider).CreateLogger<SourceCircuitBreaker>()));

        return services
            .AddHttpClient<TClient, TImplementation>(source, client =>
            {
                client.BaseAddress = settings.BaseUrl;

                // Timeouts belong to the resilience pipeline, per attempt and in total.
                client.Timeout = Timeout.InfiniteTimeSpan;
                if (settings.AuthHeaderName is not null && settings.AuthHeaderValue is not null)
                {
                    client.DefaultRequestHeaders.TryAddWithoutValidation(settings.AuthHeaderName, settings.AuthHeaderValue);
                }
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AutomaticDecompression = DecompressionMethods.All,

                // A redirect to another host would carry a custom key header (x-cg-pro-api-key) along with it.
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectTimeout = TimeSpan.FromSeconds(10),
            })

            // The pooled connection lifetime already refreshes DNS, so the chain need not be rebuilt every two minutes.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddHttpMessageHandler(provider => new ResilienceHandler(
                settings,
                provider.GetRequiredKeyedService<TokenBucketLimiter>(source),
                provider.GetRequiredKeyedService<SourceCircuitBreaker>(source),
                provider.GetRequiredKeyedService<SourceHttpTelemetry>(source),
                TimeOf(provider),
                LoggersOf(provider)));
    }

    private static TimeProvider TimeOf(IServiceProvider provider) => provider.GetService<TimeProvider>() ?? TimeProvider.System;

    private static ILoggerFactory LoggersOf(IServiceProvider provider) => provider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
}
