using System.Globalization;
using Kasparro.Application.Common.Exceptions;
using Kasparro.Application.Ingestion;
using Kasparro.Domain.Markets;

namespace Kasparro.WebApi.Hosting;

/// <summary>The host's environment variables (docs/reference/configuration.md; appsettings.json holds the same keys), read and checked once.</summary>
public sealed record HostSettings(
    IngestionSettings Ingestion,
    TimeSpan EtlInterval,
    bool EtlOnStartup,
    int Port,
    bool JsonLogs)
{
    public static HostSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new HostSettings(
            new IngestionSettings
            {
                EnabledSources = ParseSources(configuration["SOURCES"]),
                BatchSize = ParseInt(configuration["INGEST_BATCH_SIZE"], "INGEST_BATCH_SIZE", IngestionSettings.DefaultBatchSize, 1, IngestionSettings.MaxBatchSize),
                NameSimilarityThreshold = ParseThreshold(configuration["IDENTITY_NAME_THRESHOLD"]),
            },
            ParseInterval(configuration["ETL_INTERVAL"]),
            ParseBool(configuration["ETL_ON_STARTUP"], "ETL_ON_STARTUP", true),
            ParseInt(configuration["PORT"], "PORT", 8080, 1, 65535),
            ParseLogFormat(configuration["LOG_FORMAT"]));
    }

    private static IReadOnlyList<string> ParseSources(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return SourceNames.All;
        }

        var names = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(n => n.ToLowerInvariant())
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var unknown = names.Where(n => !SourceNames.IsKnown(n)).ToList();
        if (unknown.Count > 0)
        {
            throw new ConfigurationException($"SOURCES names unknown source(s) {string.Join(", ", unknown)}; known: {string.Join(", ", SourceNames.All)}");
        }

        return names;
    }

    private static TimeSpan ParseInterval(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return TimeSpan.FromHours(1);
        }

        if (value.Trim() == "0")
        {
            return TimeSpan.Zero;
        }

        return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var interval) && interval >= TimeSpan.Zero
            ? interval
            : throw new ConfigurationException($"ETL_INTERVAL '{value}' is not a period like 01:00:00 (or 0 to turn the scheduler off)");
    }

    private static bool ParseBool(string? value, string name, bool fallback) =>
        string.IsNullOrWhiteSpace(value) ? fallback
        : bool.TryParse(value, out var parsed) ? parsed
        : value.Trim() switch
        {
            "1" or "yes" or "on" => true,
            "0" or "no" or "off" => false,
            _ => throw new ConfigurationException($"{name} '{value}' is not true or false"),
        };

    private static int ParseInt(string? value, string name, int fallback, int min, int max) =>
        string.IsNullOrWhiteSpace(value) ? fallback
        : int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed >= min && parsed <= max ? parsed
        : throw new ConfigurationException($"{name} '{value}' is not a whole number from {min} to {max}");

    private static decimal ParseThreshold(string? value) =>
        string.IsNullOrWhiteSpace(value) ? Kasparro.Domain.Assets.IdentityResolver.DefaultNameThreshold
        : decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed) && parsed > 0m && parsed <= 1m ? parsed
        : throw new ConfigurationException($"IDENTITY_NAME_THRESHOLD '{value}' is not a number in (0, 1]");

    private static bool ParseLogFormat(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "json" => true,
        "text" => false,
        _ => throw new ConfigurationException($"LOG_FORMAT '{value}' is neither json nor text"),
    };
}
