using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;

namespace Kasparro.Infrastructure.Sources.Http;

/// <summary>
/// The circuit of one source (a keyed singleton, so it outlives the handler instances the HTTP client factory rotates).
/// It opens after <see cref="ApiSourceSettings.BreakerFailureThreshold"/> consecutive failed attempts and stays open
/// for <see cref="ApiSourceSettings.BreakDuration"/>; the first attempt after that is a probe (half-open) while every
/// other one is refused. A successful probe closes the circuit, a failed one opens it again.
/// </summary>
/// <remarks>
/// Polly's own breaker counts a failure ratio over a sampling window, so one success minutes ago keeps it closed through
/// a run of failures, and failures spread wider than the window never open it. A source called a few times a minute
/// needs the plain "N failures in a row" rule, which this is. Outcomes of attempts that started before the circuit
/// opened are ignored, and a cancelled attempt counts neither way.
/// </remarks>
public sealed partial class SourceCircuitBreaker
{
    private readonly Lock _gate = new();
    private readonly ApiSourceSettings _settings;
    private readonly TimeProvider _timeProvider;
    private readonly SourceHttpTelemetry _telemetry;
    private readonly ILogger _logger;
    private CircuitState _state = CircuitState.Closed;
    private int _consecutiveFailures;
    private DateTimeOffset _openUntil;
    private bool _probeInFlight;

    public SourceCircuitBreaker(ApiSourceSettings settings, TimeProvider timeProvider, SourceHttpTelemetry telemetry, ILogger<SourceCircuitBreaker> logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(telemetry);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(settings.BreakerFailureThreshold);
        _settings = settings;
        _timeProvider = timeProvider;
        _telemetry = telemetry;
        _logger = logger;
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

    /// <summary>Lets an attempt through, or throws <see cref="BrokenCircuitException"/> while the circuit is open.</summary>
    internal Permit Enter()
    {
        var halfOpened = false;
        lock (_gate)
        {
            switch (_state)
            {
                case CircuitState.Closed:
                    return Permit.Normal;
                case CircuitState.Open when _timeProvider.GetUtcNow() < _openUntil:
                    throw new BrokenCircuitException($"The circuit of source {_settings.Source} is open", _openUntil - _timeProvider.GetUtcNow());
                case CircuitState.Open:
                    _state = CircuitState.HalfOpen;
                    _probeInFlight = true;
                    halfOpened = true;
                    break;
                default:
                    if (_probeInFlight)
                    {
                        throw new BrokenCircuitException($"The circuit of source {_settings.Source} is half-open and its probe is in flight");
                    }

                    _probeInFlight = true;
                    break;
            }
        }

        if (halfOpened)
        {
            LogHalfOpen(_settings.Source);
        }

        return Permit.Probe;
    }

    internal void Record(Permit permit, AttemptResult result)
    {
        var opened = false;
        var reopened = false;
        var closed = false;
        lock (_gate)
        {
            if (permit == Permit.Probe && _state == CircuitState.HalfOpen)
            {
                _probeInFlight = false;
                if (result == AttemptResult.Success)
                {
                    _state = CircuitState.Closed;
                    _consecutiveFailures = 0;
                    closed = true;
                }
                else if (result == AttemptResult.Failure)
                {
                    reopened = Open();
                }
            }
            else if (permit == Permit.Normal && _state == CircuitState.Closed)
            {
                if (result == AttemptResult.Success)
                {
                    _consecutiveFailures = 0;
                }
                else if (result == AttemptResult.Failure && ++_consecutiveFailures >= _settings.BreakerFailureThreshold)
                {
                    opened = Open();
                }
            }
        }

        if (opened || reopened)
        {
            _telemetry.RecordBreakerOpened();
            if (opened)
            {
                LogOpened(_settings.Source, _settings.BreakerFailureThreshold, _settings.BreakDuration);
            }
            else
            {
                LogReopened(_settings.Source, _settings.BreakDuration);
            }
        }
        else if (closed)
        {
            LogClosed(_settings.Source);
        }
    }

    private bool Open()
    {
        _state = CircuitState.Open;
        _openUntil = _timeProvider.GetUtcNow() + _settings.BreakDuration;
        _consecutiveFailures = 0;
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Circuit of source {Source} opened after {Failures} consecutive failed attempts; requests fail fast for {BreakDuration}")]
    private partial void LogOpened(string source, int failures, TimeSpan breakDuration);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Circuit of source {Source} opened again: the probe failed; requests fail fast for {BreakDuration}")]
    private partial void LogReopened(string source, TimeSpan breakDuration);

    [LoggerMessage(Level = LogLevel.Information, Message = "Circuit of source {Source} is half-open: one probe request goes through")]
    private partial void LogHalfOpen(string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Circuit of source {Source} closed: the probe succeeded")]
    private partial void LogClosed(string source);

    internal enum Permit
    {
        Normal,
        Probe,
    }

    internal enum AttemptResult
    {
        Success,
        Failure,
        Abandoned,
    }
}
