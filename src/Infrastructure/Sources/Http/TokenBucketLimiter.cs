namespace Kasparro.Infrastructure.Sources.Http;

/// <summary>
/// The outbound budget of one source: a bucket of <see cref="RateLimit.Requests"/> tokens, full at start and refilled
/// continuously at <c>Requests</c> per <see cref="RateLimit.Period"/>. Each request takes one token; when none is left
/// the caller waits on the injected <see cref="TimeProvider"/> until its token has refilled.
/// </summary>
/// <remarks>
/// Waiters are served in arrival order: each one reserves the next token to refill (the balance goes negative) and waits
/// exactly until it exists, so no pump or queue is needed and the budget is never exceeded. A waiter that is cancelled
/// gives its reservation back. Amounts are integers (one token is <c>Period.Ticks</c> units, refilled at
/// <c>Requests</c> units per tick), so waits are exact: with <c>2/min</c> the third request waits 30 s, not 29.999 s.
/// </remarks>
public sealed class TokenBucketLimiter
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _timeProvider;
    private readonly long _requests;
    private readonly long _unitsPerToken;
    private readonly long _capacity;
    private long _balance;
    private long _refilledAt;

    public TokenBucketLimiter(RateLimit rateLimit, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(rateLimit);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rateLimit.Requests);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(rateLimit.Period, TimeSpan.Zero);

        RateLimit = rateLimit;
        _timeProvider = timeProvider;
        _requests = rateLimit.Requests;
        _unitsPerToken = rateLimit.Period.Ticks;
        _capacity = checked(_requests * _unitsPerToken);
        _balance = _capacity;
        _refilledAt = timeProvider.GetTimestamp();
    }

    public RateLimit RateLimit { get; }

    /// <summary>Takes a token, waiting for one when the bucket is empty.</summary>
    public ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        TimeSpan wait;
        lock (_gate)
        {
            Refill();
            _balance -= _unitsPerToken;
            if (_balance >= 0)
            {
                return ValueTask.CompletedTask;
            }

            // The reserved token exists once the deficit has refilled; round up so the wait is never short.
            wait = TimeSpan.FromTicks((-_balance + _requests - 1) / _requests);
        }

        return new ValueTask(WaitForReservedTokenAsync(wait, cancellationToken));
    }

    private async Task WaitForReservedTokenAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(wait, _timeProvider, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            lock (_gate)
            {
                Refill();
                _balance = Math.Min(_capacity, _balance + _unitsPerToken);
            }

            throw;
        }
    }

    private void Refill()
    {
        var now = _timeProvider.GetTimestamp();
        var elapsedTicks = _timeProvider.GetElapsedTime(_refilledAt, now).Ticks;
        _refilledAt = now;
        if (elapsedTicks <= 0)
        {
            return;
        }

        var missing = _capacity - _balance;
        _balance = elapsedTicks >= (missing + _requests - 1) / _requests ? _capacity : _balance + (elapsedTicks * _requests);
    }
}
