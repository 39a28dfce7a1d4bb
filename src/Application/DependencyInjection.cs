using FluentValidation;
using Kasparro.Application.Common.Behaviors;
using Kasparro.Application.Common.Ports;
using Kasparro.Application.Common.Mappings;
using Kasparro.Application.Ingestion;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Application.Ingestion.RunIngestion;
using Mapster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Kasparro.Application;

public static class DependencyInjection
{
    /// <summary>
    /// The mediator with this assembly's handlers, and its pipeline in a fixed order: logging outermost, then the
    /// outage translation, then validation (so a validation failure is logged, and never mistaken for an outage).
    /// </summary>
    public static IServiceCollection AddApplication(this IServiceCollection services, IngestionSettings? settings = null)
    {
        services.AddMediatR(cfg =>
        {
            cfg.RegisterServicesFromAssemblyContaining<IngestionSettings>();
            cfg.AddOpenBehavior(typeof(LoggingBehavior<,>));
            cfg.AddOpenBehavior(typeof(UnavailableBehavior<,>));
            cfg.AddOpenBehavior(typeof(ValidationBehavior<,>));
        });

        // Validators are stateless, and building one compiles its rules' expression trees: once per process.
        services.AddValidatorsFromAssemblyContaining<IngestionSettings>(ServiceLifetime.Singleton, includeInternalTypes: true);

        // One mapping configuration for the process, composed of every layer's parts (each registers its IRegister).
        services.AddSingleton<IRegister, ApplicationMappings>();
        services.TryAddSingleton(provider =>
        {
            // A destination member no mapping fills is an error, found when the configuration is compiled.
            var config = new TypeAdapterConfig { RequireDestinationMemberSource = true };
            config.Apply([.. provider.GetServices<IRegister>()]);
            return config;
        });

        services.TryAddSingleton(settings ?? new IngestionSettings());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IIngestionProgress, NoIngestionProgress>();
        services.TryAddSingleton<IFailureClassifier, NoFailureClassifier>();
        services.TryAddSingleton<IBackgroundRuns, NoBackgroundRuns>();
        services.TryAddSingleton<IdentityCache>();
        services.TryAddSingleton<BatchIdentities>();
        services.AddScoped<SourceRunner>();
        return services;
    }
}
