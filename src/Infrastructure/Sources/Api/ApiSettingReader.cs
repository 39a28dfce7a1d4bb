using System.Globalization;
using Kasparro.Application.Common.Exceptions;
using Microsoft.Extensions.Configuration;

namespace Kasparro.Infrastructure.Sources.Api;

/// <summary>
/// Reads the API sources' settings from configuration. A bad value is a <see cref="ConfigurationException"/> that
/// names the variable; values that may carry secrets (keys, URLs with credentials) are never echoed.
/// </summary>
internal sealed class ApiSettingReader(IConfiguration configuration)
{
    public const decimal DefaultDriftThreshold = 0.8m;

    public string? Text(string key)
    {
        var value = configuration[key];
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    /// <summary>An absolute http(s) URL, with a trailing slash so that relative paths resolve below it.</summary>
    public Uri BaseUrl(string key, string fallback)
    {
        var text = Text(key) ?? fallback;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ConfigurationException($"{key} is not an absolute http(s) URL");
        }

        return url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
    }

    public int Integer(string key, int fallback, int min, int max)
    {
        var text = Text(key);
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new ConfigurationException($"{key} '{text}' is not a whole number from {min} to {max}");
        }

        return value;
    }

    /// <summary>A duration as <c>250ms</c>, <c>30s</c>, <c>2min</c> or <c>hh:mm:ss[.fff]</c>.</summary>
    public TimeSpan Duration(string key, TimeSpan fallback, TimeSpan min, TimeSpan max)
    {
        var text = Text(key);
        if (text is null)
        {
            return fallback;
        }

        var value = ParseDuration(text);
        if (value is not { } duration || duration < min || duration > max)
        {
            throw new ConfigurationException(
                $"{key} '{text}' is not a duration from {min.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms to {max.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s (e.g. 250ms, 30s, 00:00:30)");
        }

        return duration;
    }

    /// <summary>A similarity threshold in (0, 1].</summary>
    public decimal Threshold(string key, decimal fallback)
    {
        var text = Text(key);
        if (text is null)
        {
            return fallback;
        }

        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value <= 0m || value > 1m)
        {
            throw new ConfigurationException($"{key} '{text}' is not a number above 0 and at most 1 (e.g. 0.8)");
        }

        return value;
    }

    private static TimeSpan? ParseDuration(string text)
    {
        static double? Number(string digits) =>
            double.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n) ? n : null;

        if (text.EndsWith("ms", StringComparison.OrdinalIgnoreCase))
        {
            return Number(text[..^2]) is { } ms ? TimeSpan.FromMilliseconds(ms) : null;
        }

        if (text.EndsWith("min", StringComparison.OrdinalIgnoreCase))
        {
            return Number(text[..^3]) is { } min ? TimeSpan.FromMinutes(min) : null;
        }

        if (text.EndsWith('s') || text.EndsWith('S'))
        {
            return Number(text[..^1]) is { } s ? TimeSpan.FromSeconds(s) : null;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) ? span : null;
    }
}
