using System.Threading.RateLimiting;

namespace Kasparro.Infrastructure.Sources.Http;

/// <summary>
/// The outbound budget of one source, as a <see cref="RateLimiter"/> for Polly's rate limiter strategy: a bucket of
/// <see cref="RateLimit.Requests"/> tokens, full at start and refilled continuously at <c>Requests</c> per
/// <see cref="RateLimit.Period"/> on the injected <see cref="TimeProvider"/>. <see cref="RateLimiter.AcquireAsync"/>
/// waits until its tokens exist; <see cref="RateLimiter.AttemptAcquire"/> takes them only if they are there.
/// </summary>
/// <remarks>
/// <see cref="TokenBucketRateLimiter"/> would do, but it refills on the system clock (even with
/// <c>AutoReplenishment = false</c>, <see cref="TokenBucketRateLimiter.TryReplenish"/> adds nothing until a real
/// replenishment period has passed), so no test could move the budget with a fake clock. Here, waiters are served in
/// arrival order: each one reserves the next tokens to refill (the balance goes negative) and waits exactly until they
/// exist, so no timer or queue is needed and the budget is never exceeded. A waiter that is cancelled gives its
/// reservation back; disposal ends the waits with failed leases. Amounts are integers (one token is
/// <c>Period.Ticks</c> units, refilled at <c>Requests</c> units per tick), so waits are exact: with <c>2/min</c> the
/// third request waits 30 s, not 29.999 s.
/// </remarks>
internal sealed class SourceTokenBucket : RateLimiter
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _disposal = new();
    private readonly TimeProvider _timeProvider;
    private readonly long _requests;
    private readonly long _unitsPerToken;
    private readonly long _capacity;
    private long _balance;
    private long _refilledAt;
    private long _waiting;
    private long _successfulLeases;
    private long _failedLeases;
    private bool _disposed;

    public SourceTokenBucket(RateLimit rateLimit, TimeProvider timeProvider)
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

    /// <summary>Always null: idleness serves managers that drop unused partitions, and a source's bucket lives as long as its pipeline.</summary>
    public override TimeSpan? IdleDuration => null;

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_gate)
        {
            Refill();
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = Math.Max(0, _balance / _unitsPerToken),
                CurrentQueuedCount = _waiting,
                TotalSuccessfulLeases = _successfulLeases,
                TotalFailedLeases = _failedLeases,
            };
        }
    }

    /// <summary>Takes <paramref name="permitCount"/> tokens if they are there (0: answers whether a token is there).</summary>
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        var units = UnitsOf(permitCount);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Refill();
            var needed = Math.Max(units, _unitsPerToken);
            if (_balance >= needed)
            {
                _balance -= units;
                _successfulLeases++;
                return Lease.Acquired;
            }

            _failedLeases++;
            return Lease.Failed(WaitUntilRefilled(_balance - needed));
        }
    }

    /// <summary>Takes <paramref name="permitCount"/> tokens, waiting for them to refill (0: waits until a token is there).</summary>
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<RateLimitLease>(cancellationToken);
        }

        var units = UnitsOf(permitCount);
        TimeSpan wait;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Refill();
            var needed = Math.Max(units, _unitsPerToken);
            wait = WaitUntilRefilled(_balance - needed);
            _balance -= units;
            if (wait == TimeSpan.Zero)
            {
                _successfulLeases++;
                return ValueTask.FromResult<RateLimitLease>(Lease.Acquired);
            }

            _waiting += permitCount;
        }

        return new ValueTask<RateLimitLease>(WaitForReservedTokensAsync(permitCount, units, wait, cancellationToken));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_gate)
            {
                _disposed = true;
            }

            // Not disposed: a wait may still be linking to its token. Without a timer or wait handle it holds nothing to free.
            _disposal.Cancel();
        }

        base.Dispose(disposing);
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        Dispose(true);
        await base.DisposeAsyncCore().ConfigureAwait(false);
    }

    private async Task<RateLimitLease> WaitForReservedTokensAsync(int permitCount, long units, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposal.Token);
        try
        {
            await Task.Delay(wait, _timeProvider, linked.Token).ConfigureAwait(false);
            lock (_gate)
            {
                _waiting -= permitCount;
                _successfulLeases++;
            }

            return Lease.Acquired;
        }
        catch (OperationCanceledException)
        {
            lock (_gate)
            {
                _waiting -= permitCount;
                Refill();
                _balance = Math.Min(_capacity, _balance + units);
                _failedLeases += cancellationToken.IsCancellationRequested ? 0 : 1;
            }

            // Cancelled by the caller: the caller's exception. Disposed meanwhile: a failed lease, as RateLimiter's contract asks.
            cancellationToken.ThrowIfCancellationRequested();
            return Lease.Failed(null);
        }
    }

    private long UnitsOf(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, _requests);
        return permitCount * _unitsPerToken;
    }

    /// <summary>How long until <paramref name="balance"/> units have refilled to zero; rounded up so the wait is never short.</summary>
    private TimeSpan WaitUntilRefilled(long balance) => TimeSpan.FromTicks(balance >= 0 ? 0 : (-balance + _requests - 1) / _requests);

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

    private sealed class Lease(bool isAcquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static Lease Acquired { get; } = new Lease(true, null);

        public override bool IsAcquired { get; } = isAcquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public static Lease Failed(TimeSpan? retryAfter) => new Lease(false, retryAfter);

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
