using System.Net;
using System.Net.Http.Headers;
using Kasparro.Infrastructure.Sources.Http;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using static Kasparro.UnitTests.Sources.Http.ScriptedHandler;

namespace Kasparro.UnitTests.Sources.Http;

public sealed class ResilienceHandlerTests
{
    private readonly TestClock _clock = new();

    [Fact]
    public async Task Send_When500Then200_SucceedsAfterOneRetry()
    {
        var harness = Harness(Respond(HttpStatusCode.InternalServerError), Respond(HttpStatusCode.OK));

        using var response = await harness.SendAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        harness.Inner.Calls.ShouldBe(2);
        harness.Telemetry.Retries.ShouldBe(1);
        harness.Telemetry.Attempts.ShouldBe(2);
        harness.Telemetry.BreakerOpenings.ShouldBe(0);
        ((TrackingContent)harness.Inner.Responses[0].Content).Disposed.ShouldBeTrue();
    }

    [Fact]
    public async Task Send_When429WithRetryAfter_WaitsThatLongThenRetries()
    {
        var harness = Harness(
            Respond(HttpStatusCode.TooManyRequests, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7))),
            Respond(HttpStatusCode.OK));

        var request = harness.Start();
        _clock.Advance(TimeSpan.FromSeconds(6.9));

        request.IsCompleted.ShouldBeFalse();
        harness.Inner.Calls.ShouldBe(1);

        _clock.Advance(TimeSpan.FromSeconds(0.1));

        request.IsCompleted.ShouldBeTrue();
        using var response = await request;
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        harness.Inner.CallTimes.ShouldBe([TimeSpan.Zero, TimeSpan.FromSeconds(7)]);
        harness.Logs.Entries.ShouldContain(e => e.Level == LogLevel.Warning && e.Message.Contains("attempt 1 of 4 failed (429); retrying in 00:00:07 (Retry-After honoured: True)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_WhenRetryAfterIsAnHttpDate_WaitsUntilThatDate()
    {
        var retryAt = _clock.GetUtcNow().AddSeconds(20);
        var harness = Harness(
            Respond(HttpStatusCode.ServiceUnavailable, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(retryAt)),
            Respond(HttpStatusCode.OK));

        var request = harness.Start();
        _clock.Advance(TimeSpan.FromSeconds(19.9));

        request.IsCompleted.ShouldBeFalse();

        _clock.Advance(TimeSpan.FromSeconds(0.1));

        request.IsCompleted.ShouldBeTrue();
        using var response = await request;
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        harness.Inner.CallTimes.ShouldBe([TimeSpan.Zero, TimeSpan.FromSeconds(20)]);
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
        harness.Telemetry.Retries.ShouldBe(0);
        _clock.Elapsed.ShouldBe(TimeSpan.Zero);
        harness.Logs.Entries.ShouldContain(e => e.Level == LogLevel.Warning && e.Message.Contains("not retrying", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_WhenEveryAttemptIs503_ReturnsTheLast503AfterAllAttempts()
    {
        var harness = Harness(TestSettings.Create(maxRetryAttempts: 3), Respond(HttpStatusCode.ServiceUnavailable));

        using var response = await harness.SendAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        harness.Inner.Calls.ShouldBe(4);
        harness.Telemetry.Retries.ShouldBe(3);
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
        harness.Telemetry.Retries.ShouldBe(2);
    }

    [Fact]
    public async Task Send_WhenConnectionDropsWithIOException_Retries()
    {
        var harness = Harness(Throw(new IOException("connection reset by peer")), Respond(HttpStatusCode.OK));

        using var response = await harness.SendAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        harness.Telemetry.Retries.ShouldBe(1);
    }

    [Fact]
    public async Task Send_WhenAttemptTimesOut_RetriesThenSucceeds()
    {
        var harness = Harness(TestSettings.Create(attemptTimeout: TimeSpan.FromSeconds(10)), Hang(), Respond(HttpStatusCode.OK));

        var request = harness.Start();
        _clock.Advance(TimeSpan.FromSeconds(9.9));
        request.IsCompleted.ShouldBeFalse();
        harness.Inner.Calls.ShouldBe(1);

        using var response = await _clock.RunUntilCompletedAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        harness.Inner.Calls.ShouldBe(2);
        harness.Telemetry.Retries.ShouldBe(1);
        harness.Inner.CallTimes[1].ShouldBeInRange(TimeSpan.FromSeconds(10.8), TimeSpan.FromSeconds(11.2));
        harness.Logs.Entries.ShouldContain(e => e.Level == LogLevel.Warning && e.Message.Contains("(TimeoutRejectedException)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_WhenFailuresReachTheThreshold_OpensTheBreakerAndFailsFast()
    {
        var harness = Harness(TestSettings.Create(maxRetryAttempts: 5, breakerFailureThreshold: 3), Respond(HttpStatusCode.ServiceUnavailable));

        using var first = await harness.SendAsync();

        first.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        harness.Inner.Calls.ShouldBe(3);
        harness.Telemetry.Retries.ShouldBe(2);
        harness.Telemetry.BreakerOpenings.ShouldBe(1);
        harness.Breaker.State.ShouldBe(CircuitState.Open);

        var second = harness.Start();

        second.IsCompleted.ShouldBeTrue();
        await Should.ThrowAsync<BrokenCircuitException>(second);
        harness.Inner.Calls.ShouldBe(3);
        harness.Telemetry.BreakerOpenings.ShouldBe(1);
        harness.Logs.Entries.ShouldContain(e => e.Level == LogLevel.Warning && e.Message.Contains("opened after 3 consecutive failed attempts", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_WhenBreakDurationElapses_OneProbeClosesTheCircuit()
    {
        var harness = Harness(
            TestSettings.Create(maxRetryAttempts: 1, breakerFailureThreshold: 2),
            Respond(HttpStatusCode.BadGateway),
            Respond(HttpStatusCode.BadGateway),
            Respond(HttpStatusCode.OK));
        (await harness.SendAsync()).Dispose();
        harness.Breaker.State.ShouldBe(CircuitState.Open);

        _clock.Advance(harness.Settings.BreakDuration);
        using var response = await harness.SendAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        harness.Breaker.State.ShouldBe(CircuitState.Closed);
        harness.Inner.Calls.ShouldBe(3);
        harness.Logs.Entries.ShouldContain(e => e.Message.Contains("half-open", StringComparison.Ordinal));
        harness.Logs.Entries.ShouldContain(e => e.Message.Contains("closed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_When404_DoesNotRetry()
    {
        var harness = Harness(Respond(HttpStatusCode.NotFound), Respond(HttpStatusCode.OK));

        using var response = await harness.SendAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        harness.Inner.Calls.ShouldBe(1);
        harness.Telemetry.Retries.ShouldBe(0);
    }

    [Fact]
    public async Task Send_WhenRetryingTwice_BackoffGrowsWithinJitterBounds()
    {
        var harness = Harness(
            TestSettings.Create(maxRetryAttempts: 2),
            Respond(HttpStatusCode.InternalServerError),
            Respond(HttpStatusCode.InternalServerError),
            Respond(HttpStatusCode.OK));

        using var response = await harness.SendAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var times = harness.Inner.CallTimes;
        times.Count.ShouldBe(3);
        var first = times[1] - times[0];
        var second = times[2] - times[1];
        first.ShouldBeInRange(TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(1.2));
        second.ShouldBeInRange(TimeSpan.FromSeconds(1.6), TimeSpan.FromSeconds(2.4));
        second.ShouldBeGreaterThan(first);
    }

    [Fact]
    public async Task Send_WhenRetrying_LogsThePathButNeverTheKeyOrQuery()
    {
        var harness = Harness(TestSettings.Create(key: "secret-key-123"), Respond(HttpStatusCode.InternalServerError), Respond(HttpStatusCode.OK));

        using var response = await harness.SendAsync("v1/tickers?api_key=query-secret");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        harness.Inner.AuthorizationHeaders.ShouldBe(["secret-key-123", "secret-key-123"]);
        harness.Logs.Entries.ShouldContain(e => e.Message.Contains("Source testsource /v1/tickers: attempt 1 of 4 failed (500)", StringComparison.Ordinal));
        harness.Logs.Entries.ShouldNotContain(e => e.Message.Contains("secret-key-123", StringComparison.Ordinal) || e.Message.Contains("query-secret", StringComparison.Ordinal));
    }

    private ResilienceHarness Harness(params Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>[] steps) =>
        Harness(TestSettings.Create(), steps);

    private ResilienceHarness Harness(ApiSourceSettings settings, params Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>[] steps) =>
        new(new ScriptedHandler(_clock, steps), _clock, settings);
}
