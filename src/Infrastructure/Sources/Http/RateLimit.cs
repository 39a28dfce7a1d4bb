using System.Globalization;
using Kasparro.Application.Common.Exceptions;

namespace Kasparro.Infrastructure.Sources.Http;

/// <summary>An outbound request budget such as <c>10/min</c>: at most <see cref="Requests"/> per <see cref="Period"/>.</summary>
public sealed record RateLimit(int Requests, TimeSpan Period)
{
    public static RateLimit Parse(string? text, string setting, RateLimit fallback)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        var parts = text.Split('/', 2, StringSplitOptions.TrimEntries);
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var requests)
            && requests > 0
            && ParsePeriod(parts[1]) is { } period)
        {
            return new RateLimit(requests, period);
        }

        throw new ConfigurationException($"{setting} '{text}' is not a budget like 10/min (units: s, sec, min, h, hour)");
    }

    private static TimeSpan? ParsePeriod(string unit) => unit.ToLowerInvariant() switch
    {
        "s" or "sec" or "second" => TimeSpan.FromSeconds(1),
        "m" or "min" or "minute" => TimeSpan.FromMinutes(1),
        "h" or "hour" => TimeSpan.FromHours(1),
        _ => null,
    };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Requests}/{Period.TotalSeconds}s");
}
