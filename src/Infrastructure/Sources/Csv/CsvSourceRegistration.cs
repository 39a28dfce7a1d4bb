using Kasparro.Application.Ingestion.Ports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kasparro.Infrastructure.Sources.Csv;

public static class CsvSourceRegistration
{
    /// <summary>Registers the CSV source as an <see cref="IIngestionSource"/> reading <paramref name="path"/> (a file or a folder).</summary>
    public static IServiceCollection AddCsvSource(this IServiceCollection services, string path)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new CsvSourceOptions { Path = string.IsNullOrWhiteSpace(path) ? CsvSourceOptions.DefaultPath : path };
        services.AddSingleton<IIngestionSource>(provider => new CsvIngestionSource(
            options,
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetService<ILogger<CsvIngestionSource>>() ?? NullLogger<CsvIngestionSource>.Instance));
        return services;
    }
}
