using Kasparro.Infrastructure.Sources.Http;

namespace Kasparro.UnitTests.Sources.Http;

public sealed class TokenBucketLimiterTests
{
    private readonly TestClock _clock = new();

    [Fact]
    public void WaitAsync_WhenTwoPerMinuteAreSpent_ThirdRequestWaitsThirtySeconds()
    {
        var limiter = new TokenBucketLimiter(new RateLimit(2, TimeSpan.FromMinutes(1)), _clock);

        var first = Wait(limiter);
        var second = Wait(limiter);
        var third = Wait(limiter);

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
    public void WaitAsync_WhenWaitersQueue_ServesThemInOrderWithinTheBudget()
    {
        var limiter = new TokenBucketLimiter(new RateLimit(2, TimeSpan.FromMinutes(1)), _clock);

        var waiters = Enumerable.Range(0, 6).Select(_ => Wait(limiter)).ToList();

        for (var step = 0; step <= 4; step++)
        {
            // Two at once (the bucket starts full), then one per refill of 30 s: never more, and in arrival order.
            waiters.Select(w => w.IsCompletedSuccessfully).ShouldBe(Enumerable.Range(0, 6).Select(i => i < 2 + step));
            _clock.Advance(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task WaitAsync_WhenCalledFromManyThreads_NeverExceedsTheBudget()
    {
        var limiter = new TokenBucketLimiter(new RateLimit(5, TimeSpan.FromSeconds(10)), _clock);

        var waiters = (await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(() => new[] { Wait(limiter) })))).SelectMany(w => w).ToList();

        for (var step = 0; step <= 35; step++)
        {
            waiters.Count(w => w.IsCompletedSuccessfully).ShouldBe(5 + step);
            _clock.Advance(TimeSpan.FromSeconds(2));
        }
    }

    [Fact]
    public void WaitAsync_WhenIdleForLong_RefillsOnlyToCapacity()
    {
        var limiter = new TokenBucketLimiter(new RateLimit(2, TimeSpan.FromMinutes(1)), _clock);
        Wait(limiter).IsCompletedSuccessfully.ShouldBeTrue();

        _clock.Advance(TimeSpan.FromHours(3));
        var waiters = Enumerable.Range(0, 3).Select(_ => Wait(limiter)).ToList();

        waiters.Select(w => w.IsCompletedSuccessfully).ShouldBe([true, true, false]);
        _clock.NextPendingDelay().ShouldBe(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task WaitAsync_WhenAWaiterIsCancelled_GivesItsTokenBack()
    {
        var limiter = new TokenBucketLimiter(new RateLimit(1, TimeSpan.FromMinutes(1)), _clock);
        Wait(limiter).IsCompletedSuccessfully.ShouldBeTrue();
        using var cancellation = new CancellationTokenSource();
        var cancelled = Wait(limiter, cancellation.Token);

        await cancellation.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(cancelled);
        var next = Wait(limiter);

        _clock.NextPendingDelay().ShouldBe(TimeSpan.FromMinutes(1));
        _clock.Advance(TimeSpan.FromMinutes(1));
        next.IsCompletedSuccessfully.ShouldBeTrue();
    }

    private static Task Wait(TokenBucketLimiter limiter, CancellationToken cancellationToken = default) =>
        TestClock.Begin(() => limiter.WaitAsync(cancellationToken).AsTask());
}
