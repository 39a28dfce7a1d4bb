using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Kasparro.Infrastructure.Sources.Http;

/// <summary>
/// The politeness of one API source, as the strategies of its resilience handler, outermost first:
/// <list type="number">
/// <item>total timeout (<see cref="ApiSourceSettings.TotalTimeout"/>: all attempts, backoff and token waits);</item>
/// <item>retry (<see cref="ApiSourceSettings.MaxRetryAttempts"/>) of the outcomes <see cref="HttpFailures.IsTransient"/>
/// names: it waits what <c>Retry-After</c> asks (delta-seconds or HTTP date), else Polly's exponential backoff with
/// jitter from <see cref="ApiSourceSettings.BaseDelay"/>, capped at <see cref="ApiSourceSettings.MaxBackoffDelay"/>.
/// A <c>Retry-After</c> above <see cref="ApiSourceSettings.MaxRetryAfter"/> is not waited for, and nothing is retried
/// while the circuit is open;</item>
/// <item>circuit breaker (<see cref="SourceCircuitBreaker"/>);</item>
/// <item>rate limiter (Polly's strategy over <see cref="SourceTokenBucket"/>): every attempt, retries included, takes a token;</item>
/// <item>attempt timeout (<see cref="ApiSourceSettings.AttemptTimeout"/>), which times the server only, not the wait for a token.</item>
/// </list>
/// After the last attempt the caller gets the final response as it is (a 503, a 429 whose Retry-After was too long,
/// a 404: status codes are the caller's business) or the final exception: <see cref="HttpRequestException"/>,
/// <see cref="TimeoutRejectedException"/> (attempt or total timeout) or <see cref="BrokenCircuitException"/>.
/// Log lines carry the source, the request path (never the query string or a header, since keys travel in headers),
/// the attempt, the outcome and the delay.
/// </summary>
internal static partial class SourceResiliencePipeline
{
    /// <summary>The name of the resilience handler; its pipeline is named <c>&lt;source&gt;-politeness</c>.</summary>
    public const string Name = "politeness";

    public static void Configure(
        ResiliencePipelineBuilder<HttpResponseMessage> builder,
        ApiSourceSettings settings,
        TimeProvider timeProvider,
        ILoggerFactory loggers,
        Action<Action> onPipelineDisposed)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(onPipelineDisposed);
        var logger = loggers.CreateLogger(typeof(SourceResiliencePipeline));
        var bucket = new SourceTokenBucket(settings.RateLimit, timeProvider);
        onPipelineDisposed(bucket.Dispose);
        SourceCircuitBreaker? breaker = null;

        builder.AddTimeout(new TimeoutStrategyOptions
        {
            Timeout = settings.TotalTimeout,
            OnTimeout = args =>
            {
                LogTotalTimeout(logger, settings.Source, HttpFailures.PathOf(args.Context), args.Timeout);
                return default;
            },
        });

        if (settings.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = settings.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.BaseDelay,
                MaxDelay = settings.MaxBackoffDelay,
                ShouldRetryAfterHeader = false,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context)),

                // A delay from the generator is taken as it is (MaxDelay caps only the backoff): Retry-After is honoured exactly.
                DelayGenerator = args => ValueTask.FromResult(HttpFailures.RetryAfter(args.Outcome.Result, timeProvider)),
                OnRetry = args =>
                {
                    LogRetry(
                        logger,
                        settings.Source,
                        HttpFailures.PathOf(args.Context),
                        args.AttemptNumber + 1,
                        settings.MaxRetryAttempts + 1,
                        HttpFailures.Describe(args.Outcome),
                        args.RetryDelay,
                        HttpFailures.RetryAfter(args.Outcome.Result, timeProvider) is not null);
                    return default;
                },
            });
        }

        builder
            .AddStrategy(context => breaker = new SourceCircuitBreaker(settings, context, loggers.CreateLogger<SourceCircuitBreaker>()))
            .AddRateLimiter(bucket)
            .AddTimeout(settings.AttemptTimeout);

        bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context)
        {
            if (!HttpFailures.IsTransient(outcome))
            {
                return false;
            }

            if (HttpFailures.RetryAfter(outcome.Result, timeProvider) is { } retryAfter && retryAfter > settings.MaxRetryAfter)
            {
                LogRetryAfterTooLong(logger, settings.Source, HttpFailures.PathOf(context), HttpFailures.Describe(outcome), retryAfter, settings.MaxRetryAfter);
                return false;
            }

            // While the circuit is open a retry would only meet BrokenCircuitException after its delay: hand back the real failure now.
            return breaker?.State != CircuitState.Open;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source {Source} {Path}: attempt {Attempt} of {MaxAttempts} failed ({Outcome}); retrying in {Delay} (Retry-After honoured: {RetryAfterHonoured})")]
    private static partial void LogRetry(ILogger logger, string source, string path, int attempt, int maxAttempts, string outcome, TimeSpan delay, bool retryAfterHonoured);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source {Source} {Path}: {Outcome} with Retry-After {RetryAfter}, longer than the {MaxRetryAfter} this client waits: not retrying")]
    private static partial void LogRetryAfterTooLong(ILogger logger, string source, string path, string outcome, TimeSpan retryAfter, TimeSpan maxRetryAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source {Source} {Path}: gave up after the total timeout of {Timeout}")]
    private static partial void LogTotalTimeout(ILogger logger, string source, string path, TimeSpan timeout);
}
