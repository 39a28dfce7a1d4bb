using System.Net;
using System.Text.Json;

namespace Kasparro.IntegrationTests.Api;

/// <summary><c>/v1/assets</c>: identity across sources, the consensus price and spread, ticker lookups, history.</summary>
public sealed class AssetEndpointTests(AssetEndpointTests.Seeded api) : IClassFixture<AssetEndpointTests.Seeded>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private readonly HttpClient _client = api.CreateClient();

    [Fact]
    public async Task List_IsLargestMarketCapFirst_WithMappingsLatestQuotesAndConsensus()
    {
        var json = await _client.GetJsonAsync("/v1/assets");

        var assets = json.GetProperty("data").EnumerateArray().ToList();
        assets.Select(a => a.GetProperty("ticker").GetString()).ShouldBe(["BTC", "UNI", "UNI"]);
        json.GetProperty("pagination").GetProperty("total").GetInt64().ShouldBe(3);

        var btc = assets[0];
        btc.GetProperty("id").GetGuid().ShouldBe(api.Btc);
        btc.GetProperty("primary").GetBoolean().ShouldBeTrue();
        btc.GetProperty("mappings").EnumerateArray()
            .Select(m => $"{m.GetProperty("source").GetString()}:{m.GetProperty("source_asset_id").GetString()}:{m.GetProperty("method").GetString()}:{m.GetProperty("confidence").GetDecimal()}")
            .ShouldBe(["coingecko:bitcoin:crosswalk:1", "coinpaprika:btc-bitcoin:new:1", "csv:BTC:symbol+name:0.97"]);

        // Each source's newest quote: paprika 87,000 (the 10:00 one, not the older 86,000), gecko 87,100, csv 87,600.
        btc.GetProperty("latest").EnumerateArray().Select(q => $"{q.GetProperty("source").GetString()}={q.GetProperty("price_usd").GetDecimal()}")
            .ShouldBe(["coingecko=87100", "coinpaprika=87000", "csv=87600"]);
        var consensus = btc.GetProperty("consensus");
        consensus.GetProperty("median_price_usd").GetDecimal().ShouldBe(87_100m);
        consensus.GetProperty("min_price_usd").GetDecimal().ShouldBe(87_000m);
        consensus.GetProperty("max_price_usd").GetDecimal().ShouldBe(87_600m);
        consensus.GetProperty("spread_usd").GetDecimal().ShouldBe(600m);
        consensus.GetProperty("spread_percent").GetDecimal().ShouldBe(0.6889m);
        consensus.GetProperty("sources").EnumerateArray().Select(s => s.GetString()).ShouldBe(["coingecko", "coinpaprika", "csv"]);
    }

    [Fact]
    public async Task Consensus_LeavesOutQuotesADayOlderThanTheNewest()
    {
        var json = await _client.GetJsonAsync("/v1/assets/UNI");

        var uni = json.GetProperty("data");
        uni.GetProperty("id").GetGuid().ShouldBe(api.Uniswap);
        uni.GetProperty("latest").GetArrayLength().ShouldBe(2);
        var consensus = uni.GetProperty("consensus");
        consensus.GetProperty("median_price_usd").GetDecimal().ShouldBe(7.5m);
        consensus.GetProperty("sources").EnumerateArray().Select(s => s.GetString()).ShouldBe(["coingecko"]);
        consensus.GetProperty("spread_usd").GetDecimal().ShouldBe(0m);
    }

    [Fact]
    public async Task ATicker_FindsThePrimaryAsset_AndListsTheOthersSharingIt()
    {
        var json = await _client.GetJsonAsync("/v1/assets/uni");

        json.GetProperty("data").GetProperty("name").GetString().ShouldBe("Uniswap");
        json.GetProperty("other_assets_with_ticker").EnumerateArray().Select(e => e.GetGuid()).ShouldBe([api.Unicorn]);

        var other = await _client.GetJsonAsync($"/v1/assets/{api.Unicorn}");
        other.GetProperty("data").GetProperty("name").GetString().ShouldBe("Unicorn Token");
        other.GetProperty("data").GetProperty("primary").GetBoolean().ShouldBeFalse();
        other.GetProperty("data").GetProperty("consensus").ValueKind.ShouldBe(JsonValueKind.Null);
        other.GetProperty("other_assets_with_ticker").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task AnAlias_FindsItsTicker()
    {
        var json = await _client.GetJsonAsync("/v1/assets/xbt");

        json.GetProperty("data").GetProperty("id").GetGuid().ShouldBe(api.Btc);
    }

    [Fact]
    public async Task History_BucketsEachSourcesPrices_OpenHighLowClose()
    {
        var json = await _client.GetJsonAsync("/v1/assets/BTC/history?interval=1d&source=coinpaprika");

        json.GetProperty("interval").GetString().ShouldBe("1d");
        json.GetProperty("truncated").GetBoolean().ShouldBeFalse();
        var points = json.GetProperty("data").EnumerateArray().ToList();
        points.Count.ShouldBe(1);
        var day = points[0];
        day.GetProperty("time").GetDateTimeOffset().ShouldBe(new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero));
        day.GetProperty("open").GetDecimal().ShouldBe(86_000m);
        day.GetProperty("high").GetDecimal().ShouldBe(87_000m);
        day.GetProperty("low").GetDecimal().ShouldBe(86_000m);
        day.GetProperty("close").GetDecimal().ShouldBe(87_000m);
        day.GetProperty("quotes").GetInt32().ShouldBe(2);

        var raw = await _client.GetJsonAsync($"/v1/assets/{api.Btc}/history?interval=raw&from=2026-11-20T09:00:00Z&to=2026-11-20T11:00:00Z");
        raw.GetProperty("data").EnumerateArray().Select(p => $"{p.GetProperty("source").GetString()}@{p.GetProperty("time").GetDateTimeOffset():HH:mm}")
            .ShouldBe(["coingecko@10:00", "coinpaprika@10:00", "csv@11:00"]);
    }

    [Theory]
    [InlineData("/v1/assets/DOGE", HttpStatusCode.NotFound, null)]
    [InlineData("/v1/assets/0195f3c1-0000-7000-8000-000000000000", HttpStatusCode.NotFound, null)]
    [InlineData("/v1/assets/DOGE/history", HttpStatusCode.NotFound, null)]
    [InlineData("/v1/assets/ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", HttpStatusCode.BadRequest, "ticker_or_id")]
    [InlineData("/v1/assets/BTC/history?interval=2d", HttpStatusCode.BadRequest, "interval")]
    [InlineData("/v1/assets/BTC/history?source=kraken", HttpStatusCode.BadRequest, "source")]
    [InlineData("/v1/assets/BTC/history?from=2026-11-21&to=2026-11-20", HttpStatusCode.BadRequest, "from")]
    [InlineData("/v1/assets/BTC/history?to=noon", HttpStatusCode.BadRequest, "to")]
    [InlineData("/v1/assets?limit=0", HttpStatusCode.BadRequest, "limit")]
    [InlineData("/v1/assets?offset=x", HttpStatusCode.BadRequest, "offset")]
    public async Task BadLookups_AreProblems(string url, HttpStatusCode status, string? parameter)
    {
        var problem = await _client.GetProblemAsync(url, status);

        if (parameter is not null)
        {
            problem.ErrorsFor(parameter).ShouldNotBeEmpty();
        }
        else
        {
            problem.GetProperty("detail").GetString().ShouldStartWith("No asset");
        }
    }

    /// <summary>
    /// Bitcoin under three sources (paprika with an older and a newer quote), and two coins sharing UNI: Uniswap (the
    /// larger market cap: primary), whose CSV quote is two days older than its CoinGecko one, and a small Unicorn Token.
    /// </summary>
    public sealed class Seeded : ApiFactory
    {
        public Guid Btc { get; private set; }

        public Guid Uniswap { get; private set; }

        public Guid Unicorn { get; private set; }

        protected override async Task SeedAsync()
        {
            Btc = await this.AssetAsync("BTC", "Bitcoin", 1_700_000_000_000m);
            Uniswap = await this.AssetAsync("UNI", "Uniswap", 4_000_000_000m);
            Unicorn = await this.AssetAsync("UNI", "Unicorn Token", 1_000_000m);
            await this.MappingAsync(Btc, "coinpaprika", "btc-bitcoin");
            await this.MappingAsync(Btc, "coingecko", "bitcoin", "crosswalk");
            await this.MappingAsync(Btc, "csv", "BTC", "symbol+name", 0.97m);
            await this.MappingAsync(Uniswap, "coingecko", "uniswap");
            await this.MappingAsync(Uniswap, "csv", "UNI", "symbol", 0.9m);
            await this.MappingAsync(Unicorn, "coinpaprika", "uni-unicorn-token");
            await this.QuoteAsync(Btc, "BTC", "coinpaprika", "btc-bitcoin", Now.AddHours(-4), 86_000m);
            await this.QuoteAsync(Btc, "BTC", "coinpaprika", "btc-bitcoin", Now.AddHours(-2), 87_000m);
            await this.QuoteAsync(Btc, "BTC", "coingecko", "bitcoin", Now.AddHours(-2), 87_100m);
            await this.QuoteAsync(Btc, "BTC", "csv", "BTC", Now.AddHours(-1), 87_600m);
            await this.QuoteAsync(Uniswap, "UNI", "coingecko", "uniswap", Now, 7.5m);
            await this.QuoteAsync(Uniswap, "UNI", "csv", "UNI", Now.AddDays(-2), 6.1m);
        }
    }
}
