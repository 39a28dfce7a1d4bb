using Kasparro.Application.Assets.Ports;
using Kasparro.Application.Changes.Ports;
using Kasparro.Application.Common.Ports;
using Kasparro.Application.Database.Ports;
using Kasparro.Application.Health.Ports;
using Kasparro.Application.Identity.Ports;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Application.Metrics.Ports;
using Kasparro.Application.Quotes.Ports;
using Kasparro.Application.Runs.Ports;
using Kasparro.Application.SchemaDrift.Ports;
using Kasparro.Application.Stats.Ports;
using Kasparro.Infrastructure.Health;
using Kasparro.Infrastructure.Persistence;
using Kasparro.Infrastructure.Persistence.Changes;
using Kasparro.Infrastructure.Persistence.Identity;
using Kasparro.Infrastructure.Persistence.Ingestion;
using Kasparro.Infrastructure.Queries;
using Kasparro.Infrastructure.Queries.Assets;
using Kasparro.Infrastructure.Queries.Identity;
using Kasparro.Infrastructure.Queries.Metrics;
using Kasparro.Infrastructure.Queries.Quotes;
using Kasparro.Infrastructure.Queries.Runs;
using Kasparro.Infrastructure.Queries.SchemaDrift;
using Kasparro.Infrastructure.Queries.Stats;
using Kasparro.Infrastructure.Sources;
using Kasparro.Infrastructure.Sources.Csv;
using Mapster;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Kasparro.Infrastructure;

public static partial class DependencyInjection
{
    /// <summary>
    /// PostgreSQL (one data source, created when first needed from <c>DATABASE_URL</c>), the migrator, the ingestion
    /// stores (runs, identities, batches) and run lock, the read side (a pooled <see cref="KasparroDbContext"/> factory and the row-to-response mappings), health, and the sources.
    /// </summary>
    public static IServiceCollection AddInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton(provider => PostgresDatabase.FromConfiguration(configuration, provider.GetService<ILoggerFactory>()));
        // The readers' pool: no session reset between uses (see PostgresDatabase.ReadDataSource).
        services.AddSingleton<NpgsqlDataSource>(provider => provider.GetRequiredService<PostgresDatabase>().ReadDataSource);
        // The readers are singletons: each query borrows a pooled context from the factory for its own duration. SQL's
        // own null semantics: the read queries compare columns with values that are never null, so C#'s would only add
        // compensating terms (the primary-asset subquery would be written, and run, twice).
        services.AddPooledDbContextFactory<KasparroDbContext>((provider, options) => options
            .UseNpgsql(
                provider.GetRequiredService<PostgresDatabase>().ReadDataSource,
                npgsql => npgsql.UseRelationalNulls())
            .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking)
            // A capped count is a LIMIT with no ORDER BY on purpose: which rows are counted does not matter.
            .ConfigureWarnings(w => w.Ignore(CoreEventId.RowLimitingOperationWithoutOrderByWarning)));
        services.AddScoped(provider => provider.GetRequiredService<IDbContextFactory<KasparroDbContext>>().CreateDbContext());
        services.AddSingleton<IRegister, ReadMappings>();

        services.AddSingleton<DatabaseMigrator>();
        services.AddSingleton<ISchemaMigrator>(provider => provider.GetRequiredService<DatabaseMigrator>());
        services.AddSingleton<IIngestionStore, PostgresIngestionStore>();
        services.AddSingleton<IIdentityStore, PostgresIdentityStore>();
        services.AddSingleton<IIdentityCorrections, PostgresIdentityCorrections>();
        services.AddSingleton<IIdentityReviewReader, IdentityReviewReader>();
        services.AddSingleton<IBatchStore, PostgresBatchStore>();
        services.AddSingleton<ISourceRunLock, PostgresSourceRunLock>();
        services.AddSingleton<IHealthReader, PostgresHealthReader>();
        services.AddSingleton<IQuoteReader, QuoteReader>();
        services.AddSingleton<IRunReader, RunReader>();
        services.AddSingleton<IStatsReader, PostgresStatsReader>();
        services.AddSingleton<ISchemaDriftReader, SchemaDriftReader>();
        services.AddSingleton<IEtlMetricsReader, PostgresEtlMetricsReader>();
        services.AddSingleton<IAssetReader, AssetReader>();
        services.AddSingleton<IFailureClassifier, PostgresFailureClassifier>();
        services.AddSingleton<IDataVersion>(provider => provider.GetRequiredService<PostgresDatabase>().DataVersion);

        services.AddCsvSource(configuration["CSV_PATH"] ?? "data/");
        services.AddApiSources(configuration);
        return services;
    }

    /// <summary>
    /// For a process that answers reads: the listener that keeps the data version current from the database's change
    /// notices (<see cref="DataChangeListener"/>). Register it after the migrations' hosted service, which it needs.
    /// </summary>
    public static IServiceCollection AddDataChangeListener(this IServiceCollection services)
    {
        services.AddHostedService<DataChangeListener>();
        return services;
    }
}
