using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Infrastructure.Sources.Api;
using Kasparro.UnitTests.Sources.Http;
using Microsoft.Extensions.Logging;
using static Kasparro.UnitTests.Sources.Http.ScriptedHandler;

namespace Kasparro.UnitTests.Sources.Api;

/// <summary>A final error status, as the source's registered client hands it back, in the message of the failure.</summary>
public sealed class ApiJsonResponseTests : SourceClientTests
{
    [Fact]
    public async Task Get_WhenA429AsksForAnHttpDateBeyondTheLongestWait_SaysTheWaitOnTheContainersClock()
    {
        var harness = Harness(
            TestSettings.Create(maxRetryAfter: TimeSpan.FromSeconds(60)),
            Respond(HttpStatusCode.TooManyRequests, r =>
            {
                r.Headers.RetryAfter = new RetryConditionHeaderValue(Clock.GetUtcNow().AddSeconds(300));
                r.Content = new StringContent("""{"error":"too many requests"}""", Encoding.UTF8, "application/json");
            }));

        var failure = await Should.ThrowAsync<SourceUnavailableException>(() => Clock.RunUntilCompletedAsync(TestClock.Begin(() =>
            ApiJsonResponse.GetAsync(harness.Client, harness.Settings, Clock, "v1/tickers?quotes=USD", CancellationToken.None))));

        failure.Message.ShouldBe("HTTP 429 from testsource after retries: too many requests (Retry-After 300 s) [GET v1/tickers?quotes=USD]");
        harness.PolitenessLog(LogLevel.Warning).ShouldHaveSingleItem()
            .ShouldContain("Source testsource /v1/tickers: 429 with Retry-After 00:05:00, longer than the 00:01:00 this client waits: not retrying");
    }

    [Fact]
    public async Task Get_WhenTheFinalStatusIsNotTransient_DoesNotSayItWasRetried()
    {
        var harness = Harness(Respond(HttpStatusCode.Forbidden, r => r.Content = new StringContent("""{"error":"no access"}""", Encoding.UTF8, "application/json")));

        var failure = await Should.ThrowAsync<SourceUnavailableException>(() => Clock.RunUntilCompletedAsync(TestClock.Begin(() =>
            ApiJsonResponse.GetAsync(harness.Client, harness.Settings, Clock, "v1/tickers?quotes=USD", CancellationToken.None))));

        failure.Message.ShouldBe("HTTP 403 from testsource: no access [GET v1/tickers?quotes=USD]");
        harness.Inner.Calls.ShouldBe(1);
    }
}
