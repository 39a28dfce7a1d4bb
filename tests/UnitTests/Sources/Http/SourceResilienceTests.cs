using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Polly.Timeout;
using static Kasparro.UnitTests.Sources.Http.ScriptedHandler;

namespace Kasparro.UnitTests.Sources.Http;

/// <summary>Retries, Retry-After and timeouts of a source's registered client, on the container's fake clock.</summary>
public sealed class SourceResilienceTests : SourceClientTests
{
    [Fact]
    public async Task Send_When500Then200_SucceedsAfterOneRetry()
    {
        var harness = Harness(Respond(HttpStatusCode.InternalServerError), Respond(HttpStatusCode.OK));

        using var response = await harness.SendAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        harness.Inner.Calls.ShouldBe(2);
        harness.PolitenessLog(LogLevel.Warning).ShouldHaveSingleItem().ShouldContain("attempt 1 of 4 failed (500)");
        ((TrackingContent)harness.Inner.Responses[0].Content).Disposed.ShouldBeTrue();
    }

    [Fact]
    public async Task Send_When429WithRetryAfter_WaitsThatLongThenRetries()
    {
        var harness = Harness(
            Respond(HttpStatusCode.TooManyRequests, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7))),
            Respond(HttpStatusCode.OK));

        var request = harness.Start();
        Clock.Advance(TimeSpan.FromSeconds(6.9));

        request.IsCompleted.ShouldBeFalse();
        harness.Inner.Calls.ShouldBe(1);

        Clock.Advance(TimeSpan.FromSeconds(0.1));

        request.IsCompleted.ShouldBeTrue();
        using var response = await request;
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        harness.Inner.CallTimes.ShouldBe([TimeSpan.Zero, TimeSpan.FromSeconds(7)]);
        harness.PolitenessLog(LogLevel.Warning).ShouldHaveSingleItem()
            .ShouldContain("Source testsource /v1/tickers: attempt 1 of 4 failed (429); retrying in 00:00:07 (Retry-After honoured: True)");
    }

    [Fact]
    public async Task Send_WhenRetryAfterIsAnHttpDate_WaitsUntilThatDate()
    {
        var retryAt = Clock.GetUtcNow().AddSeconds(20);
        var harness = Harness(
            Respond(HttpStatusCode.ServiceUnavailable, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(retryAt)),
            Respond(HttpStatusCode.OK));

        var request = harness.Start();
        Clock.Advance(TimeSpan.FromSeconds(19.9));

        request.IsCompleted.ShouldBeFalse();

        Clock.Advance(TimeSpan.FromSeconds(0.1));

        request.IsCompleted.ShouldBeTrue();
        using var response = await request;
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        harness.Inner.CallTimes.ShouldBe([TimeSpan.Zero, TimeSpan.FromSeconds(20)]);
    }

    [Fact]
    public async Task Send_WhenRetryAfterIsLongerThanTheBackoffCap_StillWaitsItExactly()
    {
        var harness = Harness(
            Respond(HttpStatusCode.TooManyRequests, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(90))),
            Respond(HttpStatusCode.OK));

        using var response = await harness.SendAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        harness.Settings.MaxBackoffDelay.ShouldBeLessThan(TimeSpan.FromSeconds(90));
        harness.Inner.CallTimes.ShouldBe([TimeSpan.Zero, TimeSpan.FromSeconds(90)]);
    }

    [Fact]
    public async Task Send_WhenRetryAfterExceedsMaxRetryAfter_ReturnsThe429WithoutRetrying()
    {
        var harness = Harness(
            TestSettings.Create(maxRetryAfter: TimeSpan.FromSeconds(60)),
            Respond(HttpStatusCode.TooManyRequests, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(120))),
            Respond(HttpStatusCode.OK));

        using var response = await harness.SendAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        harness.Inner.Calls.ShouldBe(1);
        Clock.Elapsed.ShouldBe(TimeSpan.Zero);
        harness.PolitenessLog(LogLevel.Warning).ShouldHaveSingleItem()
            .ShouldContain("Source testsource /v1/tickers: 429 with Retry-After 00:02:00, longer than the 00:01:00 this client waits: not retrying");
    }

    [Fact]
    public async Task Send_WhenEveryAttemptIs503_ReturnsTheLast503AfterAllAttempts()
    {
        var harness = Harness(TestSettings.Create(maxRetryAttempts: 3), Respond(HttpStatusCode.ServiceUnavailable));

        using var response = await harness.SendAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        harness.Inner.Calls.ShouldBe(4);
        harness.PolitenessLog(LogLevel.Warning).Count.ShouldBe(3);
        response.ShouldBeSameAs(harness.Inner.Responses[3]);
        harness.Inner.Responses.Take(3).ShouldAllBe(r => ((TrackingContent)r.Content).Disposed);
        ((TrackingContent)response.Content).Disposed.ShouldBeFalse();
    }

    [Fact]
    public async Task Send_WhenConnectionFailsEveryTime_ThrowsHttpRequestExceptionAfterAllAttempts()
    {
        var harness = Harness(TestSettings.Create(maxRetryAttempts: 2), Throw(new HttpRequestException("connection refused")));

        await Should.ThrowAsync<HttpRequestException>(harness.SendAsync());

        harness.Inner.Calls.ShouldBe(3);
        harness.PolitenessLog(LogLevel.Warning).ShouldAllBe(line => line.Contains("(HttpRequestException)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_WhenConnectionDropsWithIOException_Retries()
    {
        var harness = Harness(Throw(new IOException("connection reset by peer")), Respond(HttpStatusCode.OK));

        using var response = await harness.SendAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        harness.Inner.Calls.ShouldBe(2);
    }

    [Fact]
    public async Task Send_WhenAttemptTimesOut_RetriesThenSucceeds()
    {
        var harness = Harness(TestSettings.Create(attemptTimeout: TimeSpan.FromSeconds(10), baseDelay: TimeSpan.Zero), Hang(), Respond(HttpStatusCode.OK));

        var request = harness.Start();
        Clock.Advance(TimeSpan.FromSeconds(9.9));
        request.IsCompleted.ShouldBeFalse();
        harness.Inner.Calls.ShouldBe(1);

        using var response = await Clock.RunUntilCompletedAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        harness.Inner.CallTimes.ShouldBe([TimeSpan.Zero, TimeSpan.FromSeconds(10)]);
        harness.PolitenessLog(LogLevel.Warning).ShouldHaveSingleItem().ShouldContain("attempt 1 of 4 failed (TimeoutRejectedException)");
    }

    [Fact]
    public async Task Send_WhenTheTotalTimeoutElapses_GivesUpMidAttempt()
    {
        var harness = Harness(
            TestSettings.Create(maxRetryAttempts: 5, attemptTimeout: TimeSpan.FromSeconds(10), totalTimeout: TimeSpan.FromSeconds(25), baseDelay: TimeSpan.Zero),
            Hang());

        await Should.ThrowAsync<TimeoutRejectedException>(harness.SendAsync());

        harness.Inner.CallTimes.ShouldBe([TimeSpan.Zero, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20)]);
        Clock.Elapsed.ShouldBe(TimeSpan.FromSeconds(25));
        harness.PolitenessLog(LogLevel.Warning).ShouldContain(line => line.Contains("gave up after the total timeout of 00:00:25", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_When404_DoesNotRetry()
    {
        var harness = Harness(Respond(HttpStatusCode.NotFound), Respond(HttpStatusCode.OK));

        using var response = await harness.SendAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        harness.Inner.Calls.ShouldBe(1);
        harness.PolitenessLog(LogLevel.Warning).ShouldBeEmpty();
    }

    [Fact]
    public async Task Send_WhenRetryingFourTimes_BacksOffExponentiallyWithinPollysJitterBounds()
    {
        var harness = Harness(
            TestSettings.Create(maxRetryAttempts: 4),
            Respond(HttpStatusCode.InternalServerError),
            Respond(HttpStatusCode.InternalServerError),
            Respond(HttpStatusCode.InternalServerError),
            Respond(HttpStatusCode.InternalServerError),
            Respond(HttpStatusCode.OK));

        using var response = await harness.SendAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var times = harness.Inner.CallTimes;
        var delays = times.Zip(times.Skip(1), (earlier, later) => later - earlier).ToList();
        delays.Count.ShouldBe(4);

        // Polly's decorrelated jitter (base 1 s): retry n waits between 0 and 2^(n+1) s for n < 2, and 2^(n+1) - 2^(n-1) s after.
        delays[0].ShouldBeInRange(TimeSpan.Zero, TimeSpan.FromSeconds(2));
        delays[1].ShouldBeInRange(TimeSpan.Zero, TimeSpan.FromSeconds(4));
        delays[2].ShouldBeInRange(TimeSpan.Zero, TimeSpan.FromSeconds(6));
        delays[3].ShouldBeInRange(TimeSpan.Zero, TimeSpan.FromSeconds(12));

        // Its delays add up to 2^t * tanh(sqrt(4t)) / 1.4 s for a t drawn in [3, 4) after four retries: exponential in
        // the retry count (four constant 1 s waits, 4 s, fall short; an unjittered 1 + 2 + 4 + 8 s overshoots).
        times[4].ShouldBeInRange(TimeSpan.FromSeconds(5.70), TimeSpan.FromSeconds(11.43));
    }

    [Fact]
    public async Task Send_WhenRetrying_LogsThePathButNeverTheKeyOrQuery()
    {
        var harness = Harness(TestSettings.Create(key: "secret-key-123"), Respond(HttpStatusCode.InternalServerError), Respond(HttpStatusCode.OK));

        using var response = await harness.SendAsync("v1/tickers?api_key=query-secret");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        harness.Inner.AuthorizationHeaders.ShouldBe(["secret-key-123", "secret-key-123"]);
        harness.PolitenessLog(LogLevel.Warning).ShouldHaveSingleItem().ShouldContain("Source testsource /v1/tickers: attempt 1 of 4 failed (500)");

        // Every line of every category (the HTTP client's own and Polly's telemetry included), down to Trace.
        harness.Logs.Entries.Count.ShouldBeGreaterThan(1);
        harness.Logs.Entries.ShouldNotContain(e => e.Message.Contains("secret-key-123", StringComparison.Ordinal) || e.Message.Contains("query-secret", StringComparison.Ordinal));
    }
}
