using System.Threading.RateLimiting;
using Kasparro.Infrastructure.Sources.Http;

namespace Kasparro.UnitTests.Sources.Http;

/// <summary>The token bucket on its own: exact waits, order, the budget under contention, cancellation, disposal.</summary>
public sealed class SourceTokenBucketTests
{
    private readonly TestClock _clock = new();

    [Fact]
    public void AcquireAsync_WhenTwoPerMinuteAreSpent_ThirdRequestWaitsThirtySeconds()
    {
        using var limiter = new SourceTokenBucket(new RateLimit(2, TimeSpan.FromMinutes(1)), _clock);

        var first = Acquire(limiter);
        var second = Acquire(limiter);
        var third = Acquire(limiter);

        first.IsCompletedSuccessfully.ShouldBeTrue();
        second.IsCompletedSuccessfully.ShouldBeTrue();
        third.IsCompleted.ShouldBeFalse();
        _clock.NextPendingDelay().ShouldBe(TimeSpan.FromSeconds(30));

        _clock.Advance(TimeSpan.FromSeconds(29.9));
        third.IsCompleted.ShouldBeFalse();

        _clock.Advance(TimeSpan.FromSeconds(0.1));
        third.IsCompletedSuccessfully.ShouldBeTrue();
    }

    [Fact]
    public void AcquireAsync_WhenWaitersQueue_ServesThemInOrderWithinTheBudget()
    {
        using var limiter = new SourceTokenBucket(new RateLimit(2, TimeSpan.FromMinutes(1)), _clock);

        var waiters = Enumerable.Range(0, 6).Select(_ => Acquire(limiter)).ToList();

        for (var step = 0; step <= 4; step++)
        {
            // Two at once (the bucket starts full), then one per refill of 30 s: never more, and in arrival order.
            waiters.Select(w => w.IsCompletedSuccessfully).ShouldBe(Enumerable.Range(0, 6).Select(i => i < 2 + step));
            _clock.Advance(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task AcquireAsync_WhenCalledFromManyThreads_NeverExceedsTheBudget()
    {
        using var limiter = new SourceTokenBucket(new RateLimit(5, TimeSpan.FromSeconds(10)), _clock);

        var waiters = (await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(() => new[] { Acquire(limiter) })))).SelectMany(w => w).ToList();

        for (var step = 0; step <= 35; step++)
        {
            waiters.Count(w => w.IsCompletedSuccessfully).ShouldBe(5 + step);
            _clock.Advance(TimeSpan.FromSeconds(2));
        }
    }

    [Fact]
    public void AcquireAsync_WhenIdleForLong_RefillsOnlyToCapacity()
    {
        using var limiter = new SourceTokenBucket(new RateLimit(2, TimeSpan.FromMinutes(1)), _clock);
        Acquire(limiter).IsCompletedSuccessfully.ShouldBeTrue();

        _clock.Advance(TimeSpan.FromHours(3));
        var waiters = Enumerable.Range(0, 3).Select(_ => Acquire(limiter)).ToList();

        waiters.Select(w => w.IsCompletedSuccessfully).ShouldBe([true, true, false]);
        _clock.NextPendingDelay().ShouldBe(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task AcquireAsync_WhenAWaiterIsCancelled_GivesItsTokenBack()
    {
        using var limiter = new SourceTokenBucket(new RateLimit(1, TimeSpan.FromMinutes(1)), _clock);
        Acquire(limiter).IsCompletedSuccessfully.ShouldBeTrue();
        using var cancellation = new CancellationTokenSource();
        var cancelled = Acquire(limiter, cancellation.Token);

        await cancellation.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(cancelled);
        var next = Acquire(limiter);

        _clock.NextPendingDelay().ShouldBe(TimeSpan.FromMinutes(1));
        _clock.Advance(TimeSpan.FromMinutes(1));
        next.IsCompletedSuccessfully.ShouldBeTrue();
    }

    [Fact]
    public void AttemptAcquire_TakesATokenOnlyIfOneIsThere_AndTellsWhenTheNextComes()
    {
        using var limiter = new SourceTokenBucket(new RateLimit(2, TimeSpan.FromMinutes(1)), _clock);

        limiter.AttemptAcquire().IsAcquired.ShouldBeTrue();
        limiter.AttemptAcquire(0).IsAcquired.ShouldBeTrue();
        limiter.AttemptAcquire().IsAcquired.ShouldBeTrue();
        using var refused = limiter.AttemptAcquire();

        refused.IsAcquired.ShouldBeFalse();
        refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter).ShouldBeTrue();
        retryAfter.ShouldBe(TimeSpan.FromSeconds(30));
        limiter.AttemptAcquire(0).IsAcquired.ShouldBeFalse();
        limiter.GetStatistics()!.CurrentAvailablePermits.ShouldBe(0);
    }

    [Fact]
    public async Task AcquireAsync_WhenDisposedWhileWaiting_EndsTheWaitWithAFailedLease()
    {
        var limiter = new SourceTokenBucket(new RateLimit(1, TimeSpan.FromMinutes(1)), _clock);
        (await Acquire(limiter)).IsAcquired.ShouldBeTrue();
        var waiting = Acquire(limiter);

        await limiter.DisposeAsync();

        (await waiting).IsAcquired.ShouldBeFalse();
        Should.Throw<ObjectDisposedException>(() => limiter.AttemptAcquire());
    }

    private static Task<RateLimitLease> Acquire(SourceTokenBucket limiter, CancellationToken cancellationToken = default) =>
        TestClock.Begin(() => limiter.AcquireAsync(1, cancellationToken).AsTask());
}
