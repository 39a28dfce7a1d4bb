using System.Net;
using Microsoft.Extensions.Logging;
using Kasparro.Infrastructure.Sources.Http;
using Polly.CircuitBreaker;
using Polly.Timeout;
using static Kasparro.UnitTests.Sources.Http.ScriptedHandler;

namespace Kasparro.UnitTests.Sources.Http;

/// <summary>The breaker of a source's registered client: five failed attempts in a row, 30 s open, one probe.</summary>
public sealed class SourceCircuitBreakerTests : SourceClientTests
{
    [Fact]
    public async Task Send_WhenFiveAttemptsInARowFail_OpensTheBreakerAndFailsFast()
    {
        var harness = Harness(TestSettings.Create(maxRetryAttempts: 6, breakerFailureThreshold: 5), Respond(HttpStatusCode.ServiceUnavailable));

        using var first = await harness.SendAsync();

        // The fifth failure opens the circuit: the retry hands it back instead of meeting the open circuit.
        first.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        harness.Inner.Calls.ShouldBe(5);

        var second = harness.Start();

        second.IsCompleted.ShouldBeTrue();
        await Should.ThrowAsync<BrokenCircuitException>(second);
        harness.Inner.Calls.ShouldBe(5);
        harness.PolitenessLog(LogLevel.Warning).ShouldContain(line => line.Contains(
            "Circuit of source testsource opened after 5 consecutive failed attempts (the last to /v1/tickers); requests fail fast for 00:00:30",
            StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_WhenASuccessComesBetweenFailures_CountsFailuresFromThere()
    {
        var harness = Harness(
            TestSettings.Create(maxRetryAttempts: 0, breakerFailureThreshold: 5),
            [.. Enumerable.Repeat(Respond(HttpStatusCode.BadGateway), 4), Respond(HttpStatusCode.OK), .. Enumerable.Repeat(Respond(HttpStatusCode.BadGateway), 5)]);

        for (var request = 0; request < 9; request++)
        {
            (await harness.SendAsync()).Dispose();
        }

        // Four failures, a success, four failures: never five in a row, so the tenth request is still sent, and fails fifth in a row.
        using var tenth = await harness.SendAsync();
        tenth.StatusCode.ShouldBe(HttpStatusCode.BadGateway);
        harness.Inner.Calls.ShouldBe(10);

        await Should.ThrowAsync<BrokenCircuitException>(harness.SendAsync());
        harness.Inner.Calls.ShouldBe(10);
    }

    [Fact]
    public async Task Send_WhenFailuresAreMinutesApart_StillOpensAfterFiveInARow()
    {
        var harness = Harness(TestSettings.Create(maxRetryAttempts: 0, breakerFailureThreshold: 5), Respond(HttpStatusCode.InternalServerError));

        for (var request = 0; request < 5; request++)
        {
            Clock.Advance(TimeSpan.FromMinutes(10));
            (await harness.SendAsync()).Dispose();
        }

        await Should.ThrowAsync<BrokenCircuitException>(harness.SendAsync());
        harness.Inner.Calls.ShouldBe(5);
    }

    [Fact]
    public async Task Send_WhenTheBreakElapses_LetsOneProbeThroughWhoseSuccessClosesTheCircuit()
    {
        var probeAnswer = new TaskCompletionSource<HttpResponseMessage>();
        var harness = Harness(
            TestSettings.Create(maxRetryAttempts: 0, breakerFailureThreshold: 5),
            [.. Enumerable.Repeat(Respond(HttpStatusCode.ServiceUnavailable), 5), (_, _) => probeAnswer.Task, Respond(HttpStatusCode.OK)]);
        for (var request = 0; request < 5; request++)
        {
            (await harness.SendAsync()).Dispose();
        }

        Clock.Advance(TimeSpan.FromSeconds(29.9));
        await Should.ThrowAsync<BrokenCircuitException>(harness.SendAsync());
        Clock.Advance(TimeSpan.FromSeconds(0.1));

        var probe = harness.Start();
        var duringProbe = harness.Start();

        probe.IsCompleted.ShouldBeFalse();
        harness.Inner.Calls.ShouldBe(6);
        await Should.ThrowAsync<BrokenCircuitException>(duringProbe);

        TestClock.Begin(() => probeAnswer.TrySetResult(new HttpResponseMessage(HttpStatusCode.OK)));
        (await probe).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var after = await harness.SendAsync();

        after.StatusCode.ShouldBe(HttpStatusCode.OK);
        harness.Inner.Calls.ShouldBe(7);
        harness.PolitenessLog(LogLevel.Information).ShouldBe([
            "Circuit of source testsource is half-open: one probe request goes through",
            "Circuit of source testsource closed: the probe to /v1/tickers succeeded",
        ]);
    }

    [Fact]
    public async Task Send_WhenTheProbeFails_OpensTheCircuitAgainForTheBreakDuration()
    {
        var harness = Harness(TestSettings.Create(maxRetryAttempts: 0, breakerFailureThreshold: 5), Respond(HttpStatusCode.ServiceUnavailable));
        for (var request = 0; request < 5; request++)
        {
            (await harness.SendAsync()).Dispose();
        }

        Clock.Advance(TimeSpan.FromSeconds(30));
        (await harness.SendAsync()).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        Clock.Advance(TimeSpan.FromSeconds(29.9));

        await Should.ThrowAsync<BrokenCircuitException>(harness.SendAsync());
        harness.Inner.Calls.ShouldBe(6);
        harness.PolitenessLog(LogLevel.Warning).ShouldContain(line => line.Contains("opened again: the probe to /v1/tickers failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_WhenTheProbeGivesUpWaitingForAToken_TheNextRequestIsTheProbe()
    {
        var harness = Harness(
            TestSettings.Create(maxRetryAttempts: 0, breakerFailureThreshold: 5, totalTimeout: TimeSpan.FromSeconds(20), rateLimit: new RateLimit(5, TimeSpan.FromMinutes(5))),
            [.. Enumerable.Repeat(Respond(HttpStatusCode.ServiceUnavailable), 5), Respond(HttpStatusCode.OK)]);
        for (var request = 0; request < 5; request++)
        {
            (await harness.SendAsync()).Dispose();
        }

        // The bucket is empty until 60 s: the probe let through at 30 s waits for a token and meets its total timeout at 50 s.
        Clock.Advance(TimeSpan.FromSeconds(30));
        var probe = harness.Start();
        Clock.Advance(TimeSpan.FromSeconds(20));
        await Should.ThrowAsync<TimeoutRejectedException>(probe.WaitAsync(TimeSpan.FromSeconds(10)));
        Clock.Advance(TimeSpan.FromSeconds(10));
        using var response = await harness.Start().WaitAsync(TimeSpan.FromSeconds(10));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        harness.Inner.CallTimes[^1].ShouldBe(TimeSpan.FromSeconds(60));
    }
}
