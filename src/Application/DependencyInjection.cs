using System.Reflection;
using FluentValidation;
using Kasparro.Application.Common.Behaviors;
using Kasparro.Application.Common.Exceptions;
using Kasparro.Application.Ingestion;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Application.Ingestion.RunIngestion;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Kasparro.Application;

public static class DependencyInjection
{
    /// <summary>
    /// MediatR 5 (the version that restores here) ships no container package, so the mediator, its handlers, the
    /// validators and the pipeline are registered by scanning this assembly. Behaviors run in the order registered:
    /// logging outermost, then the outage translation, then validation.
    /// </summary>
    public static IServiceCollection AddApplication(this IServiceCollection services, IngestionSettings? settings = null)
    {
        services.AddScoped<ServiceFactory>(provider => provider.GetService!);
        services.AddScoped<IMediator, Mediator>();
        services.AddScoped(typeof(IPipelineBehavior<,>), typeof(LoggingBehavior<,>));
        services.AddScoped(typeof(IPipelineBehavior<,>), typeof(UnavailableBehavior<,>));
        services.AddScoped(typeof(IPipelineBehavior<,>), typeof(ValidationBehavior<,>));

        var assembly = Assembly.GetExecutingAssembly();
        foreach (var type in assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false }))
        {
            foreach (var contract in type.GetInterfaces().Where(i => i.IsGenericType))
            {
                var definition = contract.GetGenericTypeDefinition();
                if (definition == typeof(IRequestHandler<,>))
                {
                    services.AddScoped(contract, type);
                }
                else if (definition == typeof(IValidator<>))
                {
                    // Validators are stateless, and building one compiles its rules' expression trees: once per process.
                    services.AddSingleton(contract, type);
                }
            }
        }

        services.TryAddSingleton(settings ?? new IngestionSettings());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IIngestionProgress, NoIngestionProgress>();
        services.TryAddSingleton<IFailureClassifier, NoFailureClassifier>();
        services.TryAddSingleton<IBackgroundRuns, NoBackgroundRuns>();
        services.TryAddSingleton<IdentityCache>();
        services.AddScoped<SourceRunner>();
        return services;
    }
}
