using System.Net;
using Kasparro.Infrastructure.Sources.Http;
using Polly.Timeout;
using static Kasparro.UnitTests.Sources.Http.ScriptedHandler;

namespace Kasparro.UnitTests.Sources.Http;

/// <summary>The token bucket of a source's registered client (<c>*_RATE_LIMIT</c>), on the container's fake clock.</summary>
public sealed class SourceRateLimitTests : SourceClientTests
{
    private static readonly RateLimit TwoPerMinute = new(2, TimeSpan.FromMinutes(1));

    [Fact]
    public async Task Send_WhenRetrying_EachAttemptSpendsATokenAndTheThirdWaitsForTheNext()
    {
        var harness = Harness(
            TestSettings.Create(rateLimit: TwoPerMinute, baseDelay: TimeSpan.Zero),
            Respond(HttpStatusCode.InternalServerError),
            Respond(HttpStatusCode.InternalServerError),
            Respond(HttpStatusCode.OK));

        var request = harness.Start();
        harness.Inner.Calls.ShouldBe(2);
        Clock.Advance(TimeSpan.FromSeconds(29.9));
        harness.Inner.Calls.ShouldBe(2);
        Clock.Advance(TimeSpan.FromSeconds(0.1));

        using var response = await request.WaitAsync(TimeSpan.FromSeconds(10));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        harness.Inner.CallTimes.ShouldBe([TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(30)]);
    }

    [Fact]
    public async Task Send_WhenTheBucketIsEmpty_TheNextRequestWaitsForTheNextToken()
    {
        var harness = Harness(TestSettings.Create(rateLimit: TwoPerMinute), Respond(HttpStatusCode.OK));
        (await harness.SendAsync()).Dispose();
        Clock.Advance(TimeSpan.FromSeconds(10));
        (await harness.SendAsync()).Dispose();

        var third = harness.Start();
        Clock.Advance(TimeSpan.FromSeconds(19.9));
        third.IsCompleted.ShouldBeFalse();
        Clock.Advance(TimeSpan.FromSeconds(0.1));
        (await third.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();

        var fourth = harness.Start();
        Clock.Advance(TimeSpan.FromSeconds(29.9));
        fourth.IsCompleted.ShouldBeFalse();
        Clock.Advance(TimeSpan.FromSeconds(0.1));
        (await fourth.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();

        harness.Inner.CallTimes.ShouldBe([TimeSpan.Zero, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60)]);
    }

    [Fact]
    public async Task Send_WhenWaitingForATokenLongerThanTheAttemptTimeout_DoesNotTimeTheWaitAsAnAttempt()
    {
        var harness = Harness(
            TestSettings.Create(rateLimit: new RateLimit(1, TimeSpan.FromMinutes(1)), attemptTimeout: TimeSpan.FromSeconds(10)),
            Respond(HttpStatusCode.OK));
        (await harness.SendAsync()).Dispose();

        var second = harness.Start();
        Clock.Advance(TimeSpan.FromSeconds(60));
        using var response = await second.WaitAsync(TimeSpan.FromSeconds(10));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        harness.Inner.CallTimes.ShouldBe([TimeSpan.Zero, TimeSpan.FromSeconds(60)]);
    }

    [Fact]
    public async Task Send_WhenTheTokenComesAfterTheTotalTimeout_GivesUpWithoutSending()
    {
        var harness = Harness(
            TestSettings.Create(rateLimit: new RateLimit(1, TimeSpan.FromMinutes(1)), totalTimeout: TimeSpan.FromSeconds(45)),
            Respond(HttpStatusCode.OK));
        (await harness.SendAsync()).Dispose();

        var second = harness.Start();
        Clock.Advance(TimeSpan.FromSeconds(45));

        await Should.ThrowAsync<TimeoutRejectedException>(second.WaitAsync(TimeSpan.FromSeconds(10)));
        harness.Inner.Calls.ShouldBe(1);
    }
}
