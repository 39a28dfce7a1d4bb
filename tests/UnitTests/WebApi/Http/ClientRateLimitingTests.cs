using System.Threading.RateLimiting;
using Kasparro.Application.Common.Exceptions;
using Kasparro.WebApi.Http;
using Microsoft.Extensions.Time.Testing;

namespace Kasparro.UnitTests.WebApi.Http;

public sealed class ClientRateLimitingTests
{
    [Fact]
    public void TheBucket_StartsFull_RefusesWhenEmpty_SayingWhenToReturn_AndRefills()
    {
        var time = new FakeTimeProvider();
        using var bucket = new ClockTokenBucket(3, TimeSpan.FromMinutes(1), time);

        for (var i = 0; i < 3; i++)
        {
            using var granted = bucket.AttemptAcquire();
            granted.IsAcquired.ShouldBeTrue();
        }

        using (var refused = bucket.AttemptAcquire())
        {
            refused.IsAcquired.ShouldBeFalse();
            refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter).ShouldBeTrue();
            retryAfter.ShouldBe(TimeSpan.FromSeconds(20));
        }

        time.Advance(TimeSpan.FromSeconds(15));
        using (var stillRefused = bucket.AttemptAcquire())
        {
            stillRefused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter).ShouldBeTrue();
            retryAfter.ShouldBe(TimeSpan.FromSeconds(5));
        }

        time.Advance(TimeSpan.FromSeconds(5));
        using var again = bucket.AttemptAcquire();
        again.IsAcquired.ShouldBeTrue();
    }

    [Fact]
    public void TheBucket_NeverHoldsMoreThanItsSize()
    {
        var time = new FakeTimeProvider();
        using var bucket = new ClockTokenBucket(2, TimeSpan.FromSeconds(1), time);
        time.Advance(TimeSpan.FromHours(1));

        bucket.AttemptAcquire().IsAcquired.ShouldBeTrue();
        bucket.AttemptAcquire().IsAcquired.ShouldBeTrue();
        bucket.AttemptAcquire().IsAcquired.ShouldBeFalse();
    }

    [Theory]
    [InlineData(null, 600, 60)]
    [InlineData("", 600, 60)]
    [InlineData("120/min", 120, 60)]
    [InlineData("5/s", 5, 1)]
    [InlineData("1000 / h", 1000, 3600)]
    [InlineData("0", 0, 60)]
    public void TheBudget_Parses(string? text, int requests, int periodSeconds)
    {
        var budget = ApiRateLimit.Parse(text);

        budget.Requests.ShouldBe(requests);
        budget.Period.ShouldBe(TimeSpan.FromSeconds(periodSeconds));
    }

    [Theory]
    [InlineData("fast")]
    [InlineData("10/fortnight")]
    [InlineData("-5/min")]
    [InlineData("10")]
    public void ABadBudget_IsAConfigurationError(string text) =>
        Should.Throw<ConfigurationException>(() => ApiRateLimit.Parse(text)).Message.ShouldContain("API_RATE_LIMIT");
}
