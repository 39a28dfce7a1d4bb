using System.Globalization;
using System.Threading.RateLimiting;
using Kasparro.Application.Common.Exceptions;

namespace Kasparro.WebApi.Http;

/// <summary>
/// ASP.NET Core's rate limiting on <c>/v1</c> reads, one token bucket per API key (or per client address when the
/// request has no valid key), sized by <c>API_RATE_LIMIT</c> (default <c>600/min</c>; <c>0</c> turns it off). A
/// rejected request gets a 429 problem with <c>Retry-After</c>. The buckets run on the injected
/// <see cref="TimeProvider"/>, so tests move time instead of waiting.
/// </summary>
public static class ClientRateLimiting
{
    public const string ReadsPolicy = "reads";

    public static IServiceCollection AddClientRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var budget = ApiRateLimit.Parse(configuration["API_RATE_LIMIT"]);
        services.AddSingleton(budget);
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(ReadsPolicy, http =>
            {
                if (budget.Requests == 0)
                {
                    return RateLimitPartition.GetNoLimiter("off");
                }

                var access = http.RequestServices.GetRequiredService<ApiAccess>();
                var time = http.RequestServices.GetRequiredService<TimeProvider>();
                var partition = access.MatchKey(http.Request.Headers[ApiKeyFilter.HeaderName].ToString())
                                ?? "ip:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
                return RateLimitPartition.Get(partition, _ => new ClockTokenBucket(budget.Requests, budget.Period, time));
            });
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : budget.Period;
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                var http = context.HttpContext;
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Results.Problem(
                        statusCode: StatusCodes.Status429TooManyRequests,
                        title: "Too many requests.",
                        detail: $"This client's budget is {budget}; try again in {seconds} s.")
                    .ExecuteAsync(http);
            };
        });
        return services;
    }
}

/// <summary>The read budget per client, such as <c>600/min</c>; <c>0</c> means unlimited.</summary>
public sealed record ApiRateLimit(int Requests, TimeSpan Period)
{
    public static ApiRateLimit Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new ApiRateLimit(600, TimeSpan.FromMinutes(1));
        }

        if (text.Trim() == "0")
        {
            return new ApiRateLimit(0, TimeSpan.FromMinutes(1));
        }

        var parts = text.Split('/', 2, StringSplitOptions.TrimEntries);
        TimeSpan? period = parts.Length == 2
            ? parts[1].ToLowerInvariant() switch
            {
                "s" or "sec" or "second" => TimeSpan.FromSeconds(1),
                "min" or "minute" => TimeSpan.FromMinutes(1),
                "h" or "hour" => TimeSpan.FromHours(1),
                _ => null,
            }
            : null;
        return period is not null && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var requests) && requests > 0
            ? new ApiRateLimit(requests, period.Value)
            : throw new ConfigurationException($"API_RATE_LIMIT '{text}' is not a budget like 600/min (units: s, min, h), or 0 for none");
    }

    public override string ToString() => Requests == 0 ? "unlimited" : $"{Requests} requests per {Period.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s";
}

/// <summary>
/// A token bucket that never queues: full at start, refilled continuously at <c>requests</c> per <c>period</c> as told
/// by the <see cref="TimeProvider"/>. A refused lease says when the next token will exist.
/// </summary>
public sealed class ClockTokenBucket(int requests, TimeSpan period, TimeProvider time) : RateLimiter
{
    private readonly Lock _gate = new();
    private readonly double _tokensPerTick = requests / (double)period.Ticks;
    private double _tokens = requests;
    private long _refilledAt = time.GetTimestamp();
    private long _idleSince = time.GetTimestamp();

    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_gate)
            {
                Refill();
                return _tokens >= requests ? time.GetElapsedTime(_idleSince) : null;
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_gate)
        {
            Refill();
            return new RateLimiterStatistics { CurrentAvailablePermits = (long)_tokens };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        lock (_gate)
        {
            Refill();
            if (_tokens >= permitCount)
            {
                _tokens -= permitCount;
                _idleSince = time.GetTimestamp();
                return Lease.Granted;
            }

            var missing = permitCount - _tokens;
            return new Lease(TimeSpan.FromTicks((long)Math.Ceiling(missing / _tokensPerTick)));
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private void Refill()
    {
        var now = time.GetTimestamp();
        var elapsed = time.GetElapsedTime(_refilledAt, now);
        _refilledAt = now;
        _tokens = Math.Min(requests, _tokens + (elapsed.Ticks * _tokensPerTick));
    }

    private sealed class Lease(TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(null);

        public override bool IsAcquired => retryAfter is null;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
