using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kasparro.Infrastructure.Sources.Http;

public static class SourceHttpClientRegistration
{
    /// <summary>
    /// A typed client for one API source: base address and key header from <paramref name="settings"/>, and the
    /// source's politeness (timeouts, retries honouring Retry-After, circuit breaker, rate limit) as a resilience
    /// handler (<see cref="SourceResiliencePipeline"/>) whose pipeline, built once per source, runs on the
    /// <see cref="TimeProvider"/> of the container. After the last attempt the handler returns the final failed
    /// response, or throws the final exception.
    /// </summary>
    public static IHttpClientBuilder AddSourceHttpClient<TClient, TImplementation>(this IServiceCollection services, ApiSourceSettings settings)
        where TClient : class
        where TImplementation : class, TClient
    {
        ArgumentNullException.ThrowIfNull(settings);
        var client = services
            .AddHttpClient<TClient, TImplementation>(settings.Source, client =>
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
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);

        // The key header's value never reaches the HTTP client's own logs.
        if (settings.AuthHeaderName is { } header)
        {
            client.RedactLoggedHeaders([header]);
        }

        client.AddResilienceHandler(SourceResiliencePipeline.Name, (builder, context) => SourceResiliencePipeline.Configure(
            builder,
            settings,
            context.ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System,
            context.ServiceProvider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
            context.OnPipelineDisposed));
        return client;
    }
}
