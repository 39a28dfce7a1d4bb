using Kasparro.Application.Common.Exceptions;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Markets;
using Kasparro.Infrastructure.Sources.Api;
using Kasparro.Infrastructure.Sources.CoinGecko;
using Kasparro.Infrastructure.Sources.CoinPaprika;
using Kasparro.Infrastructure.Sources.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kasparro.Infrastructure.Sources;

/// <summary>
/// Registers the CoinPaprika and CoinGecko sources from configuration (docs/reference/configuration.md): each as an
/// <see cref="IIngestionSource"/> singleton that takes a fresh typed client from the HTTP client factory per run.
/// <para>
/// Keys: <c>COINPAPRIKA_API_KEY</c> (set: the paid base URL and <c>Authorization: &lt;key&gt;</c>),
/// <c>COINPAPRIKA_BASE_URL</c>, <c>COINPAPRIKA_RATE_LIMIT</c> (<c>10/min</c>); <c>COINGECKO_API_KEY</c>,
/// <c>COINGECKO_API_PLAN</c> (<c>demo</c> or <c>pro</c>), <c>COINGECKO_BASE_URL</c>, <c>COINGECKO_RATE_LIMIT</c>
/// (<c>25/min</c>), <c>COINGECKO_PAGE_LIMIT</c> (4), <c>COINGECKO_PAGE_SIZE</c> (250); <c>SCHEMA_DRIFT_THRESHOLD</c>
/// (0.8). Politeness per source, <c>&lt;SOURCE&gt;_</c> + <c>ATTEMPT_TIMEOUT</c>, <c>TOTAL_TIMEOUT</c>,
/// <c>RETRY_BASE_DELAY</c>, <c>MAX_RETRIES</c>, <c>MAX_RETRY_AFTER</c>, <c>BREAKER_FAILURES</c>,
/// <c>BREAK_DURATION</c>, default to <see cref="ApiSourceSettings"/>'s polite values (tests shorten them).
/// </para>
/// It sits in the layer's namespace so that <see cref="DependencyInjection"/> calls it without another using.
/// </summary>
public static class ApiSourcesRegistration
{
    public const string DriftThresholdKey = "SCHEMA_DRIFT_THRESHOLD";

    public static IServiceCollection AddApiSources(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = new ApiSettingReader(configuration);
        var threshold = settings.Threshold(DriftThresholdKey, ApiSettingReader.DefaultDriftThreshold);

        var paprika = new CoinPaprikaOptions(CoinPaprikaSettings(settings), threshold);
        services.AddSingleton(paprika);
        services.AddSourceHttpClient<ICoinPaprikaClient, CoinPaprikaClient>(paprika.Http);
        services.AddSingleton<IIngestionSource>(provider => new CoinPaprikaIngestionSource(
            () => provider.GetRequiredService<ICoinPaprikaClient>(),
            paprika,
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetService<ILogger<CoinPaprikaIngestionSource>>() ?? NullLogger<CoinPaprikaIngestionSource>.Instance));

        var gecko = new CoinGeckoOptions(
            CoinGeckoSettings(settings),
            settings.Integer("COINGECKO_PAGE_LIMIT", CoinGeckoOptions.DefaultPageLimit, 1, 100),
            settings.Integer("COINGECKO_PAGE_SIZE", CoinGeckoOptions.MaxPageSize, 1, CoinGeckoOptions.MaxPageSize),
            threshold);
        services.AddSingleton(gecko);
        services.AddSourceHttpClient<ICoinGeckoClient, CoinGeckoClient>(gecko.Http);
        services.AddSingleton<IIngestionSource>(provider => new CoinGeckoIngestionSource(
            () => provider.GetRequiredService<ICoinGeckoClient>(),
            gecko,
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetService<ILogger<CoinGeckoIngestionSource>>() ?? NullLogger<CoinGeckoIngestionSource>.Instance));
        return services;
    }

    private static ApiSourceSettings CoinPaprikaSettings(ApiSettingReader settings)
    {
        var key = settings.Text("COINPAPRIKA_API_KEY");
        return Politeness(settings, "COINPAPRIKA", new ApiSourceSettings
        {
            Source = SourceNames.CoinPaprika,
            BaseUrl = settings.BaseUrl("COINPAPRIKA_BASE_URL", key is null ? CoinPaprikaOptions.FreeBaseUrl : CoinPaprikaOptions.ProBaseUrl),
            AuthHeaderName = key is null ? null : "Authorization",
            AuthHeaderValue = key,
            RateLimit = RateLimit.Parse(settings.Text("COINPAPRIKA_RATE_LIMIT"), "COINPAPRIKA_RATE_LIMIT", CoinPaprikaOptions.DefaultRateLimit),
        });
    }

    private static ApiSourceSettings CoinGeckoSettings(ApiSettingReader settings)
    {
        var key = settings.Text("COINGECKO_API_KEY");
        var plan = settings.Text("COINGECKO_API_PLAN")?.ToLowerInvariant() ?? "demo";
        if (plan is not ("demo" or "pro"))
        {
            throw new ConfigurationException($"COINGECKO_API_PLAN '{plan}' is not demo or pro");
        }

        var pro = plan == "pro";
        return Politeness(settings, "COINGECKO", new ApiSourceSettings
        {
            Source = SourceNames.CoinGecko,
            BaseUrl = settings.BaseUrl("COINGECKO_BASE_URL", pro ? CoinGeckoOptions.ProBaseUrl : CoinGeckoOptions.PublicBaseUrl),
            AuthHeaderName = key is null ? null : pro ? CoinGeckoOptions.ProKeyHeader : CoinGeckoOptions.DemoKeyHeader,
            AuthHeaderValue = key,
            RateLimit = RateLimit.Parse(settings.Text("COINGECKO_RATE_LIMIT"), "COINGECKO_RATE_LIMIT", CoinGeckoOptions.DefaultRateLimit),
        });
    }

    /// <summary>Timeouts, retries and the breaker: polite defaults, shortened only where configured.</summary>
    private static ApiSourceSettings Politeness(ApiSettingReader settings, string prefix, ApiSourceSettings defaults)
    {
        var minimum = TimeSpan.FromMilliseconds(1);
        var hour = TimeSpan.FromHours(1);
        return defaults with
        {
            AttemptTimeout = settings.Duration($"{prefix}_ATTEMPT_TIMEOUT", defaults.AttemptTimeout, minimum, hour),
            TotalTimeout = settings.Duration($"{prefix}_TOTAL_TIMEOUT", defaults.TotalTimeout, minimum, hour),
            BaseDelay = settings.Duration($"{prefix}_RETRY_BASE_DELAY", defaults.BaseDelay, TimeSpan.Zero, hour),
            MaxRetryAttempts = settings.Integer($"{prefix}_MAX_RETRIES", defaults.MaxRetryAttempts, 0, 20),
            MaxRetryAfter = settings.Duration($"{prefix}_MAX_RETRY_AFTER", defaults.MaxRetryAfter, TimeSpan.Zero, hour),
            BreakerFailureThreshold = settings.Integer($"{prefix}_BREAKER_FAILURES", defaults.BreakerFailureThreshold, 1, 1000),
            BreakDuration = settings.Duration($"{prefix}_BREAK_DURATION", defaults.BreakDuration, minimum, hour),
        };
    }
}
