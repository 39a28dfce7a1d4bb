using Kasparro.Application.Database.Migrate;
using Kasparro.Application.Health.GetHealth;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Infrastructure.Health;
using Kasparro.Infrastructure.Persistence;
using Kasparro.Infrastructure.Sources;
using Kasparro.Infrastructure.Sources.Csv;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Kasparro.Infrastructure;

public static class DependencyInjection
{
    /// <summary>
    /// PostgreSQL (one data source, created when first needed from <c>DATABASE_URL</c>), the migrator, the ingestion
    /// store and run lock, the read-side <see cref="KasparroDbContext"/>, health, and the sources.
    /// </summary>
    public static IServiceCollection AddInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton(provider => PostgresDatabase.FromConfiguration(configuration, provider.GetService<ILoggerFactory>()));
        services.AddSingleton<NpgsqlDataSource>(provider => provider.GetRequiredService<PostgresDatabase>().DataSource);
        services.AddDbContextPool<KasparroDbContext>((provider, options) => options
            .UseNpgsql(provider.GetRequiredService<PostgresDatabase>().DataSource, npgsql => npgsql.UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery))
            .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking));

        services.AddSingleton<DatabaseMigrator>();
        services.AddSingleton<ISchemaMigrator>(provider => provider.GetRequiredService<DatabaseMigrator>());
        services.AddSingleton<IIngestionStore, PostgresIngestionStore>();
        services.AddSingleton<ISourceRunLock, PostgresSourceRunLock>();
        services.AddSingleton<IHealthReader, PostgresHealthReader>();

        services.AddCsvSource(configuration["CSV_PATH"] ?? "data/");
        services.AddApiSources(configuration);
        return services;
    }
}
