using Kasparro.Application;
using Kasparro.Infrastructure;
using Microsoft.Extensions.Logging.Console;

namespace Kasparro.WebApi.Hosting;

/// <summary>What every verb shares: configuration sources, logging, and the layers' own registrations.</summary>
public static class HostComposition
{
    public static HostSettings AddKasparro(this IHostApplicationBuilder builder, bool logsToStandardError)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = HostSettings.From(builder.Configuration);

        builder.Logging.ClearProviders();
        if (settings.JsonLogs)
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.IncludeScopes = true;
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
        }

        if (logsToStandardError)
        {
            builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }

        // EF Core and Npgsql stay quiet below warnings: their debug output can carry connection details.
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.Logging.AddFilter("Npgsql", LogLevel.Warning);

        builder.Services.AddApplication(settings.Ingestion);
        builder.Services.AddInfrastructure(builder.Configuration);
        builder.Services.AddSingleton(settings);
        return settings;
    }
}
