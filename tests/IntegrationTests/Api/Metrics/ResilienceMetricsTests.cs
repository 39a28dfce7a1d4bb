using Kasparro.Application.Ingestion.RunIngestion;
using Kasparro.Domain.Ingestion;
using Kasparro.IntegrationTests.Sources;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace Kasparro.IntegrationTests.Api.Metrics;

/// <summary>An outbound retry shows on <c>/metrics</c> as Polly's event, under the source's pipeline.</summary>
public sealed class ResilienceMetricsTests : IAsyncLifetime
{
    private const string Events = "resilience_polly_strategy_events_total";

    private StubApi _stub = null!;
    private ApiWithStubbedSources _api = null!;

    public async Task InitializeAsync()
    {
        _stub = await StubApi.StartAsync();
        _api = new ApiWithStubbedSources(_stub);
        await _api.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _stub.DisposeAsync();
    }

    [Fact]
    public async Task ARetriedRequest_IsCountedAsOneRetryEvent_OfItsSourcesPipeline()
    {
        _stub.On("/v1/tickers", null, Responses.Json("{}", 503), Responses.Json("[]"));
        using var client = _api.CreateClient();
        var before = await client.ScrapeAsync();

        using (var scope = _api.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new RunIngestionCommand(["coinpaprika"], RunTrigger.Manual, null, null));
        }

        var after = await client.ScrapeAsync();
        _stub.RequestsTo("/v1/tickers").Count.ShouldBe(2);
        double Retries(string exposition) => exposition.Sum(Events, ("event_name", "OnRetry"), ("pipeline_name", "coinpaprika-politeness"));
        (Retries(after) - Retries(before)).ShouldBe(1);
    }

    private sealed class ApiWithStubbedSources(StubApi stub) : ApiFactory
    {
        protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
        {
            ["SOURCES"] = "coinpaprika",
            ["COINPAPRIKA_BASE_URL"] = stub.CoinPaprikaBase.ToString(),
            ["COINPAPRIKA_RATE_LIMIT"] = "1000/s",
            // The app's clock is a fake that stands still: a retry must not wait on it.
            ["COINPAPRIKA_RETRY_BASE_DELAY"] = "0",
        };
    }
}
