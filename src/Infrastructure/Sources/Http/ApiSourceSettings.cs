namespace Kasparro.Infrastructure.Sources.Http;

/// <summary>
/// How one API source is reached and how politely. <see cref="AuthHeaderValue"/> is a secret: it is sent as a request
/// header and never appears in <see cref="ToString"/>, a log line or an error message.
/// </summary>
public sealed record ApiSourceSettings
{
    public required string Source { get; init; }

    public required Uri BaseUrl { get; init; }

    /// <summary>The header that carries the key (<c>Authorization</c>, <c>x-cg-demo-api-key</c>, ...), or none.</summary>
    public string? AuthHeaderName { get; init; }

    public string? AuthHeaderValue { get; init; }

    public required RateLimit RateLimit { get; init; }

    /// <summary>One attempt may take this long before it is abandoned and retried.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>All attempts of one request, backoff included.</summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromMinutes(3);

    public int MaxRetryAttempts { get; init; } = 4;

    /// <summary>The first retry waits about this long; later ones double it, with jitter.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>No backoff delay (without <c>Retry-After</c>) is longer than this.</summary>
    public TimeSpan MaxBackoffDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A <c>Retry-After</c> longer than this is not waited for: the request fails and the run ends partial.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The breaker opens after this many consecutive failed attempts, for <see cref="BreakDuration"/>.</summary>
    public int BreakerFailureThreshold { get; init; } = 5;

    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(30);

    public override string ToString() =>
        $"{Source} at {BaseUrl} (key {(AuthHeaderValue is null ? "unset" : "set")}, {RateLimit})";
}
