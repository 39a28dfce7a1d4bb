using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Kasparro.Infrastructure.Sources.Http;

/// <summary>
/// The politeness of one API source, as a Polly pipeline around every request, outermost first:
/// <list type="number">
/// <item>total timeout (<see cref="ApiSourceSettings.TotalTimeout"/>, all attempts and waits included);</item>
/// <item>retry (<see cref="ApiSourceSettings.MaxRetryAttempts"/>) of 408, 429, 5xx, <see cref="HttpRequestException"/>,
/// <see cref="IOException"/> and <see cref="TimeoutRejectedException"/>: it waits what <c>Retry-After</c> asks
/// (delta-seconds or HTTP date), else <see cref="ApiSourceSettings.BaseDelay"/> doubled per retry with ±20 % jitter,
/// capped at <see cref="ApiSourceSettings.MaxBackoffDelay"/>. A <c>Retry-After</c> above
/// <see cref="ApiSourceSettings.MaxRetryAfter"/> is not waited for, and nothing is retried while the circuit is open;</item>
/// <item>circuit breaker (<see cref="SourceCircuitBreaker"/>: opens after
/// <see cref="ApiSourceSettings.BreakerFailureThreshold"/> consecutive failed attempts, for
/// <see cref="ApiSourceSettings.BreakDuration"/>);</item>
/// <item>rate limit (<see cref="TokenBucketLimiter"/>: every attempt, retries included, takes a token);</item>
/// <item>attempt timeout (<see cref="ApiSourceSettings.AttemptTimeout"/>), which times the server only, not the wait for a token.</item>
/// </list>
/// The response of a failed attempt is disposed before the next one. After the last attempt the caller gets the final
/// response as it is (a 503, a 429 whose Retry-After was too long, a 404: status codes are the caller's business), or
/// the final exception: <see cref="HttpRequestException"/>, <see cref="TimeoutRejectedException"/> (attempt or total
/// timeout) or <see cref="BrokenCircuitException"/>. The source client turns a failed status and those exceptions
/// into <c>SourceUnavailableException</c>. A cancellation by the caller propagates as
/// <see cref="OperationCanceledException"/>.
/// </summary>
/// <remarks>
/// The limiter, the breaker and the telemetry are per-source singletons; this handler (which the HTTP client factory
/// may recreate) only holds the pipeline built around them. Log lines carry the source, the request path (never the
/// query string or a header, since keys travel in headers), the attempt, the outcome and the delay.
/// </remarks>
public sealed partial class ResilienceHandler : DelegatingHandler
{
    /// <summary>The share of a backoff delay that jitter may add or remove.</summary>
    public const double JitterFactor = 0.2;

    private static readonly ResiliencePropertyKey<string> PathKey = new("kasparro.request-path");
    private static readonly ResiliencePropertyKey<TimeSpan?> RetryAfterKey = new("kasparro.retry-after");

    private readonly ApiSourceSettings _settings;
    private readonly TokenBucketLimiter _limiter;
    private readonly SourceCircuitBreaker _breaker;
    private readonly SourceHttpTelemetry _telemetry;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public ResilienceHandler(
        ApiSourceSettings settings,
        TokenBucketLimiter limiter,
        SourceCircuitBreaker breaker,
        SourceHttpTelemetry telemetry,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(limiter);
        ArgumentNullException.ThrowIfNull(breaker);
        ArgumentNullException.ThrowIfNull(telemetry);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _settings = settings;
        _limiter = limiter;
        _breaker = breaker;
        _telemetry = telemetry;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger<ResilienceHandler>();
        _pipeline = BuildPipeline();
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // A body is read once so that every attempt can send a fresh copy; GET requests have none and are sent as they are.
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(PathKey, HttpFailures.PathOf(request));
        try
        {
            return await _pipeline.ExecuteAsync(
                static (context, state) => state.Handler.SendAttemptAsync(state.Request, state.Body, context),
                context,
                (Handler: this, Request: request, Body: body));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask<HttpResponseMessage> SendAttemptAsync(HttpRequestMessage request, byte[]? body, ResilienceContext context)
    {
        _telemetry.RecordAttempt();
        var attempt = body is null ? request : CopyWithBody(request, body);
        return await base.SendAsync(attempt, context.CancellationToken);
    }

    private static HttpRequestMessage CopyWithBody(HttpRequestMessage request, byte[] body)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri)
        {
            Version = request.Version,
            VersionPolicy = request.VersionPolicy,
            Content = new ByteArrayContent(body),
        };
        foreach (var header in request.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        foreach (var header in request.Content!.Headers)
        {
            copy.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        foreach (var option in request.Options)
        {
            copy.Options.Set(new HttpRequestOptionsKey<object?>(option.Key), option.Value);
        }

        return copy;
    }

    private ResiliencePipeline<HttpResponseMessage> BuildPipeline()
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _timeProvider }
            .AddTimeout(new TimeoutStrategyOptions
            {
                Timeout = _settings.TotalTimeout,
                OnTimeout = args =>
                {
                    LogTotalTimeout(_settings.Source, PathFrom(args.Context), args.Timeout);
                    return default;
                },
            });

        if (_settings.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = _settings.MaxRetryAttempts,

                // The delay generator always answers (Retry-After, else the backoff below); these describe its centre line.
                BackoffType = DelayBackoffType.Exponential,
                Delay = _settings.BaseDelay,
                UseJitter = false,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context)),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                    args.Context.Properties.GetValue(RetryAfterKey, null) ?? Backoff(args.AttemptNumber)),
                OnRetry = args =>
                {
                    _telemetry.RecordRetry();
                    LogRetry(
                        _settings.Source,
                        PathFrom(args.Context),
                        args.AttemptNumber + 1,
                        HttpFailures.Describe(args.Outcome),
                        args.RetryDelay,
                        _settings.MaxRetryAttempts + 1,
                        args.Context.Properties.GetValue(RetryAfterKey, null) is not null);
                    return default;
                },
            });
        }

        return builder
            .AddStrategy(_ => new CircuitBreakerStrategy(_breaker))
            .AddStrategy(_ => new RateLimitStrategy(_limiter))
            .AddTimeout(_settings.AttemptTimeout)
            .Build();
    }

    private bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context)
    {
        if (!HttpFailures.IsTransient(outcome))
        {
            return false;
        }

        var retryAfter = outcome.Result is { } response ? HttpFailures.RetryAfter(response, _timeProvider) : null;
        context.Properties.Set(RetryAfterKey, retryAfter);
        if (retryAfter > _settings.MaxRetryAfter)
        {
            LogRetryAfterTooLong(_settings.Source, PathFrom(context), HttpFailures.Describe(outcome), retryAfter.Value, _settings.MaxRetryAfter);
            return false;
        }

        if (_breaker.State == CircuitState.Open)
        {
            // The retry would only meet BrokenCircuitException after its delay: hand back the real failure now.
            return false;
        }

        return true;
    }

    /// <summary>The wait before retry <paramref name="attemptNumber"/> + 1: BaseDelay × 2^attemptNumber, ±20 % jitter, capped.</summary>
    private TimeSpan Backoff(int attemptNumber)
    {
        var centre = _settings.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attemptNumber, 30));
#pragma warning disable CA5394 // Jitter spreads retries out; it needs no cryptographic randomness.
        var jitter = 1 + (JitterFactor * ((2 * Random.Shared.NextDouble()) - 1));
#pragma warning restore CA5394
        var delay = TimeSpan.FromMilliseconds(centre * jitter);
        return delay < _settings.MaxBackoffDelay ? delay : _settings.MaxBackoffDelay;
    }

    private static string PathFrom(ResilienceContext context) => context.Properties.GetValue(PathKey, "/");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source {Source} {Path}: attempt {Attempt} of {MaxAttempts} failed ({Outcome}); retrying in {Delay} (Retry-After honoured: {RetryAfterHonoured})")]
    private partial void LogRetry(string source, string path, int attempt, string outcome, TimeSpan delay, int maxAttempts, bool retryAfterHonoured);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source {Source} {Path}: {Outcome} with Retry-After {RetryAfter}, longer than the {MaxRetryAfter} this client waits: not retrying")]
    private partial void LogRetryAfterTooLong(string source, string path, string outcome, TimeSpan retryAfter, TimeSpan maxRetryAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source {Source} {Path}: gave up after the total timeout of {Timeout}")]
    private partial void LogTotalTimeout(string source, string path, TimeSpan timeout);

    /// <summary>Puts <see cref="SourceCircuitBreaker"/> in the pipeline: refuses attempts while open, reports each outcome.</summary>
    private sealed class CircuitBreakerStrategy(SourceCircuitBreaker breaker) : ResilienceStrategy<HttpResponseMessage>
    {
        protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
            Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback,
            ResilienceContext context,
            TState state)
        {
            SourceCircuitBreaker.Permit permit;
            try
            {
                permit = breaker.Enter();
            }
            catch (BrokenCircuitException broken)
            {
                return Outcome.FromException<HttpResponseMessage>(broken);
            }

            var outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
            var result = HttpFailures.IsTransient(outcome) ? SourceCircuitBreaker.AttemptResult.Failure
                : outcome.Exception is null ? SourceCircuitBreaker.AttemptResult.Success
                : SourceCircuitBreaker.AttemptResult.Abandoned;
            breaker.Record(permit, result);
            return outcome;
        }
    }

    /// <summary>Puts <see cref="TokenBucketLimiter"/> in the pipeline: each attempt waits for a token.</summary>
    private sealed class RateLimitStrategy(TokenBucketLimiter limiter) : ResilienceStrategy<HttpResponseMessage>
    {
        protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
            Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback,
            ResilienceContext context,
            TState state)
        {
            try
            {
                await limiter.WaitAsync(context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
            }
            catch (OperationCanceledException cancelled)
            {
                return Outcome.FromException<HttpResponseMessage>(cancelled);
            }

            return await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        }
    }
}
