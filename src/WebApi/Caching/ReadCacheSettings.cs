using System.Globalization;
using Kasparro.Application.Common.Exceptions;

namespace Kasparro.WebApi.Caching;

/// <summary><c>RESPONSE_CACHE_MB</c>: the memory the remembered answers may take (default 64); <c>0</c> turns the cache off.</summary>
public sealed record ReadCacheSettings(long SizeLimitBytes)
{
    public const int DefaultMegabytes = 64;
    public const int MaxMegabytes = 16_384;

    /// <summary>
    /// How long an answer is kept at most. Answers are keyed by the data version, so this only bounds what a change
    /// made without moving the version on (by hand, outside the platform) can leave visible.
    /// </summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    public bool Enabled => SizeLimitBytes > 0;

    public static ReadCacheSettings Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new ReadCacheSettings(DefaultMegabytes * 1024L * 1024L);
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var megabytes) && megabytes <= MaxMegabytes
            ? new ReadCacheSettings(megabytes * 1024L * 1024L)
            : throw new ConfigurationException($"RESPONSE_CACHE_MB '{text}' is not a whole number of megabytes from 0 (off) to {MaxMegabytes}");
    }
}
