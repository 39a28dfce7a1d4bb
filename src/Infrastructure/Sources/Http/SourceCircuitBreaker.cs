using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Telemetry;

namespace Kasparro.Infrastructure.Sources.Http;

/// <summary>
/// The circuit of one source, as a Polly strategy in its pipeline: it opens after
/// <see cref="ApiSourceSettings.BreakerFailureThreshold"/> consecutive failed attempts and stays open for
/// <see cref="ApiSourceSettings.BreakDuration"/>, refusing attempts with <see cref="BrokenCircuitException"/>; the first
/// attempt after that is a probe (half-open) while every other one is refused. A successful probe closes the circuit,
/// a failed one opens it again. State changes are logged and reported to Polly's telemetry under the event names of
/// Polly's own breaker.
/// </summary>
/// <remarks>
/// Polly's breaker counts a failure ratio over a sampling window with a minimum throughput, which cannot say "N in a
/// row": one success inside the window keeps the ratio under 1.0 through any run of failures after it, and failures
/// spread wider than the window never reach the minimum throughput. A source called a few times a minute needs the
/// plain consecutive rule, which this is. Outcomes of attempts that started before the circuit opened are ignored,
/// and an attempt that ended neither in a response nor in a transient failure (a cancellation) counts neither way.
/// The pipeline of a source is built once and kept for the life of the container, so the circuit is shared by every
/// request of that source however often the HTTP client factory rotates its handlers.
/// </remarks>
internal sealed partial class SourceCircuitBreaker : ResilienceStrategy<HttpResponseMessage>
{
    private readonly Lock _gate = new();
    private readonly ApiSourceSettings _settings;
    private readonly TimeProvider _timeProvider;
    private readonly ResilienceStrategyTelemetry _telemetry;
    private readonly ILogger _logger;
    private CircuitState _state = CircuitState.Closed;
    private int _consecutiveFailures;
    private DateTimeOffset _openUntil;
    private bool _probeInFlight;

    public SourceCircuitBreaker(ApiSourceSettings settings, StrategyBuilderContext context, ILogger<SourceCircuitBreaker> logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(settings.BreakerFailureThreshold);
        _settings = settings;
        _timeProvider = context.TimeProvider;
        _telemetry = context.Telemetry;
        _logger = logger;
    }

    private enum Permit
    {
        Normal,
        Probe,
    }

    private enum AttemptResult
    {
        Success,
        Failure,
        Abandoned,
    }

    /// <summary>The state as last changed by an attempt (an open circuit whose break has elapsed reads open until probed).</summary>
    public CircuitState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback,
        ResilienceContext context,
        TState state)
    {
        var permit = Enter(context, out var refusal);
        if (refusal is not null)
        {
            return Outcome.FromException<HttpResponseMessage>(refusal);
        }

        Outcome<HttpResponseMessage> outcome;
        try
        {
            outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch (Exception exception)
        {
            // An inner strategy may throw (a wait for a token cancelled): the probe must still be recorded, or the circuit stays half-open.
            outcome = Outcome.FromException<HttpResponseMessage>(exception);
        }

        var result = HttpFailures.IsTransient(outcome) ? AttemptResult.Failure
            : outcome.Exception is null ? AttemptResult.Success
            : AttemptResult.Abandoned;
        Record(permit, result, context, outcome);
        return outcome;
    }

    /// <summary>Lets an attempt through (as a normal attempt or as the probe), or gives the refusal while the circuit is open.</summary>
    private Permit Enter(ResilienceContext context, out BrokenCircuitException? refusal)
    {
        refusal = null;
        lock (_gate)
        {
            switch (_state)
            {
                case CircuitState.Closed:
                    return Permit.Normal;
                case CircuitState.Open when _timeProvider.GetUtcNow() is var now && now < _openUntil:
                    refusal = new BrokenCircuitException($"The circuit of source {_settings.Source} is open", _openUntil - now);
                    return Permit.Normal;
                case CircuitState.Open:
                    _state = CircuitState.HalfOpen;
                    break;
                default:
                    if (_probeInFlight)
                    {
                        refusal = new BrokenCircuitException($"The circuit of source {_settings.Source} is half-open and its probe is in flight");
                        return Permit.Normal;
                    }

                    break;
            }

            _probeInFlight = true;
        }

        LogHalfOpen(_settings.Source);
        _telemetry.Report(new ResilienceEvent(ResilienceEventSeverity.Warning, "OnCircuitHalfOpened"), context, new OnCircuitHalfOpenedArguments(context));
        return Permit.Probe;
    }

    private void Record(Permit permit, AttemptResult result, ResilienceContext context, Outcome<HttpResponseMessage> outcome)
    {
        bool opened = false, reopened = false, closed = false;
        lock (_gate)
        {
            if (permit == Permit.Probe && _state == CircuitState.HalfOpen)
            {
                _probeInFlight = false;
                closed = result == AttemptResult.Success;
                reopened = result == AttemptResult.Failure;
            }
            else if (permit == Permit.Normal && _state == CircuitState.Closed)
            {
                _consecutiveFailures = result switch
                {
                    AttemptResult.Success => 0,
                    AttemptResult.Failure => _consecutiveFailures + 1,
                    _ => _consecutiveFailures,
                };
                opened = _consecutiveFailures >= _settings.BreakerFailureThreshold;
            }

            if (opened || reopened)
            {
                _state = CircuitState.Open;
                _openUntil = _timeProvider.GetUtcNow() + _settings.BreakDuration;
            }
            else if (closed)
            {
                _state = CircuitState.Closed;
            }

            if (opened || reopened || closed)
            {
                _consecutiveFailures = 0;
            }
        }

        if (opened || reopened)
        {
            if (opened)
            {
                LogOpened(_settings.Source, HttpFailures.PathOf(context), _settings.BreakerFailureThreshold, _settings.BreakDuration);
            }
            else
            {
                LogReopened(_settings.Source, HttpFailures.PathOf(context), _settings.BreakDuration);
            }

            _telemetry.Report(
                new ResilienceEvent(ResilienceEventSeverity.Error, "OnCircuitOpened"),
                context,
                outcome,
                new OnCircuitOpenedArguments<HttpResponseMessage>(context, outcome, _settings.BreakDuration, isManual: false));
        }
        else if (closed)
        {
            LogClosed(_settings.Source, HttpFailures.PathOf(context));
            _telemetry.Report(
                new ResilienceEvent(ResilienceEventSeverity.Information, "OnCircuitClosed"),
                context,
                outcome,
                new OnCircuitClosedArguments<HttpResponseMessage>(context, outcome, isManual: false));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Circuit of source {Source} opened after {Failures} consecutive failed attempts (the last to {Path}); requests fail fast for {BreakDuration}")]
    private partial void LogOpened(string source, string path, int failures, TimeSpan breakDuration);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Circuit of source {Source} opened again: the probe to {Path} failed; requests fail fast for {BreakDuration}")]
    private partial void LogReopened(string source, string path, TimeSpan breakDuration);

    [LoggerMessage(Level = LogLevel.Information, Message = "Circuit of source {Source} is half-open: one probe request goes through")]
    private partial void LogHalfOpen(string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Circuit of source {Source} closed: the probe to {Path} succeeded")]
    private partial void LogClosed(string source, string path);
}
