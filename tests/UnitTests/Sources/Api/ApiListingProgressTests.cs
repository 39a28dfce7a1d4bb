using System.Globalization;
using System.Net;
using System.Text;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Ingestion;
using Kasparro.Infrastructure.Sources.CoinGecko;
using Kasparro.Infrastructure.Sources.CoinPaprika;
using Kasparro.Infrastructure.Sources.Http;
using Kasparro.UnitTests.Sources.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Kasparro.UnitTests.Sources.Api;

/// <summary>The API sources report the pages of their listing read of the pages planned.</summary>
public sealed class ApiListingProgressTests
{
    private static readonly Uri BaseUrl = new("http://api.test/");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordingProgress _progress = new();

    private static ApiSourceSettings Http(string source) => new() { Source = source, BaseUrl = BaseUrl, RateLimit = new RateLimit(25, TimeSpan.FromMinutes(1)) };

    /// <summary>One page: a JSON array of <paramref name="items"/> coins, numbered from <paramref name="first"/>.</summary>
    private static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Page(int first, int items) => (_, _) =>
    {
        var coins = Enumerable.Range(first, items).Select(i => string.Create(
            CultureInfo.InvariantCulture,
            $$"""{"id":"coin-{{i}}","symbol":"c{{i}}","name":"Coin {{i}}","current_price":{{i}}.5,"market_cap":1000,"total_volume":10,"price_change_percentage_24h":1.5,"last_updated":"2026-11-22T11:00:00.000Z"}"""));
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent($"[{string.Join(',', coins)}]", Encoding.UTF8, "application/json"),
        });
    };

    private async Task<List<SourceItem>> ReadAsync(IIngestionSource source)
    {
        var context = new SourceReadContext(Guid.CreateVersion7(), new Dictionary<string, Checkpoint>(), SourceOverrides.None) { Progress = _progress };
        var items = new List<SourceItem>();
        await foreach (var item in source.ReadAsync(context, CancellationToken.None))
        {
            items.Add(item);
        }

        _progress.Reports.ShouldAllBe(r => r.RunId == context.RunId && r.Source == source.Name && r.Unit == ProgressUnit.Pages);
        return items;
    }

    private CoinGeckoIngestionSource CoinGecko(int pageLimit, int pageSize, params Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>[] pages)
    {
        var options = new CoinGeckoOptions(Http("coingecko"), pageLimit, pageSize, 0.8m);
        var http = new HttpClient(new ScriptedHandler(_time, pages)) { BaseAddress = BaseUrl };
        return new CoinGeckoIngestionSource(() => new CoinGeckoClient(http, options, _time), options, _time, NullLogger<CoinGeckoIngestionSource>.Instance);
    }

    [Fact]
    public async Task CoinGecko_ReportsEachPageOfThePlanned_AndAShortPageEndsThePlan()
    {
        var source = CoinGecko(pageLimit: 4, pageSize: 2, Page(1, 2), Page(3, 2), Page(5, 1));

        var records = (await ReadAsync(source)).OfType<SourceRecord>().ToList();

        records.Count.ShouldBe(5);
        _progress.Reports.Select(r => (r.Done, r.Total)).ShouldBe([(0, 4), (1, 4), (2, 4), (3, 3)]);
    }

    [Fact]
    public async Task CoinGecko_ReadingEveryPlannedPage_EndsAtThePlan()
    {
        var source = CoinGecko(pageLimit: 2, pageSize: 2, Page(1, 2), Page(3, 2));

        await ReadAsync(source);

        _progress.Reports.Select(r => (r.Done, r.Total)).ShouldBe([(0, 2), (1, 2), (2, 2)]);
    }

    [Fact]
    public async Task CoinPaprika_ReadsItsOnePage()
    {
        var options = new CoinPaprikaOptions(Http("coinpaprika"), 0.8m);
        var http = new HttpClient(new ScriptedHandler(_time, Page(1, 3))) { BaseAddress = BaseUrl };
        var source = new CoinPaprikaIngestionSource(() => new CoinPaprikaClient(http, options, _time), options, _time, NullLogger<CoinPaprikaIngestionSource>.Instance);

        await ReadAsync(source);

        _progress.Reports.Select(r => (r.Done, r.Total)).ShouldBe([(0, 1), (1, 1)]);
    }
}
