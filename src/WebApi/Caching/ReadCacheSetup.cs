using Kasparro.Infrastructure;
using Kasparro.WebApi.Observability;

namespace Kasparro.WebApi.Caching;

/// <summary>
/// The read cache: ASP.NET Core's output cache store, bounded by <c>RESPONSE_CACHE_MB</c>, its instruments, and the
/// listener that keeps the data version current. Register after the migrations' hosted service.
/// </summary>
public static class ReadCacheSetup
{
    public static IServiceCollection AddReadCache(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = ReadCacheSettings.Parse(configuration["RESPONSE_CACHE_MB"]);
        services.AddSingleton(settings);
        services.AddOutputCache(o =>
        {
            if (settings.Enabled)
            {
                o.SizeLimit = settings.SizeLimitBytes;
            }
        });
        services.AddSingleton<ResponseCacheInstruments>();
        services.AddSingleton<ReadCache>();
        services.AddDataChangeListener();
        return services;
    }
}
