using System.Net;
using System.Text.Json;

namespace Kasparro.IntegrationTests.Api;

/// <summary><c>GET /v1/data</c> over a small known set of quotes: filters, every sort, both paging styles, exact values.</summary>
public sealed class QuoteEndpointTests(QuoteEndpointTests.Seeded api) : IClassFixture<QuoteEndpointTests.Seeded>
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    private readonly HttpClient _client = api.CreateClient();

    [Fact]
    public async Task DefaultPage_IsNewestFirst_WithPaginationAndMeta()
    {
        var json = await _client.GetJsonAsync("/v1/data");

        var rows = json.GetProperty("data").EnumerateArray().ToList();
        rows.Count.ShouldBe(Seeded.QuoteCount);
        var observed = rows.Select(r => r.GetProperty("observed_at").GetDateTimeOffset()).ToList();
        observed.ShouldBe(observed.OrderByDescending(t => t).ToList());
        var pagination = json.GetProperty("pagination");
        pagination.GetProperty("limit").GetInt32().ShouldBe(50);
        pagination.GetProperty("offset").GetInt32().ShouldBe(0);
        pagination.GetProperty("returned").GetInt32().ShouldBe(Seeded.QuoteCount);
        pagination.GetProperty("total").GetInt64().ShouldBe(Seeded.QuoteCount);
        pagination.GetProperty("total_exact").GetBoolean().ShouldBeTrue();
        pagination.GetProperty("next_cursor").ValueKind.ShouldBe(JsonValueKind.Null);
        var meta = json.GetProperty("meta");
        meta.GetProperty("api_version").GetString().ShouldBe("1");
        meta.GetProperty("api_latency_ms").GetDouble().ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Rows_CarryTheUnifiedSchema_WithExactPrices()
    {
        using var response = await _client.GetAsync("/v1/data?ticker=SHIB");
        var text = await response.Content.ReadAsStringAsync();

        // The price goes out as stored: no float rounding, no trailing zeros of the numeric(38,18) column.
        text.ShouldContain("\"price_usd\":0.000000008730861");
        var row = JsonDocument.Parse(text).RootElement.GetProperty("data")[0];
        row.GetProperty("ticker").GetString().ShouldBe("SHIB");
        row.GetProperty("source").GetString().ShouldBe("coingecko");
        row.GetProperty("source_asset_id").GetString().ShouldBe("shiba-inu");
        row.GetProperty("asset_id").GetGuid().ShouldBe(api.Shib);
        row.GetProperty("name").GetString().ShouldBe("Shiba Inu");
        row.GetProperty("market_cap_usd").GetDecimal().ShouldBe(5_100_000_000m);
        row.GetProperty("volume_24h_usd").ValueKind.ShouldBe(JsonValueKind.Null);
        row.GetProperty("percent_change_24h").ValueKind.ShouldBe(JsonValueKind.Null);
        row.GetProperty("observed_at").GetDateTimeOffset().ShouldBe(T0.AddHours(1));
    }

    [Theory]
    [InlineData("ticker=btc", 6)]
    [InlineData("ticker=BTC,ETH", 9)]
    [InlineData("ticker=BTC&ticker=ETH", 9)]
    [InlineData("source=csv", 3)]
    [InlineData("source=coinpaprika,coingecko&ticker=BTC", 4)]
    [InlineData("from=2026-11-20T02:00:00Z&to=2026-11-20T03:00:00Z", 6)]
    [InlineData("from=2026-11-20T02:00:01Z&to=2026-11-20T03:00:00Z", 2)]
    [InlineData("from=2026-11-21", 0)]
    [InlineData("ticker=DOGE", 0)]
    public async Task Filters_SelectExactlyTheMatchingQuotes(string query, int expected)
    {
        var json = await _client.GetJsonAsync($"/v1/data?{query}&limit=500");

        json.GetProperty("data").GetArrayLength().ShouldBe(expected);
        json.GetProperty("pagination").GetProperty("total").GetInt64().ShouldBe(expected);
    }

    [Fact]
    public async Task AssetIdFilter_FindsTheAssetUnderEverySource()
    {
        var json = await _client.GetJsonAsync($"/v1/data?asset_id={api.Btc}");

        var rows = json.GetProperty("data").EnumerateArray().ToList();
        rows.Count.ShouldBe(6);
        rows.Select(r => r.GetProperty("source").GetString()).Distinct().Order().ShouldBe(["coingecko", "coinpaprika", "csv"]);
    }

    [Theory]
    [InlineData("-observed_at")]
    [InlineData("observed_at")]
    [InlineData("price_usd")]
    [InlineData("-price_usd")]
    [InlineData("market_cap_usd")]
    [InlineData("-market_cap_usd")]
    [InlineData("ticker")]
    [InlineData("-ticker")]
    public async Task CursorPages_ConcatenateToTheWholeOrderedResult(string sort)
    {
        var whole = (await _client.GetJsonAsync($"/v1/data?sort={sort}&limit=500")).GetProperty("data").EnumerateArray().Select(Key).ToList();
        var paged = new List<string>();
        var url = $"/v1/data?sort={sort}&limit=2";
        var pages = 0;
        while (true)
        {
            var json = await _client.GetJsonAsync(url);
            json.GetProperty("pagination").GetProperty("offset").ValueKind.ShouldBe(pages == 0 ? JsonValueKind.Number : JsonValueKind.Null);
            paged.AddRange(json.GetProperty("data").EnumerateArray().Select(Key));
            pages++;
            var next = json.GetProperty("pagination").GetProperty("next_cursor");
            if (next.ValueKind == JsonValueKind.Null)
            {
                break;
            }

            url = $"/v1/data?sort={sort}&limit=2&cursor={Uri.EscapeDataString(next.GetString()!)}";
        }

        whole.Count.ShouldBe(Seeded.QuoteCount);
        paged.ShouldBe(whole);
        pages.ShouldBe((Seeded.QuoteCount + 1) / 2);
    }

    [Fact]
    public async Task Sorts_OrderByTheirColumn_NullMarketCapsLast()
    {
        var byPrice = (await _client.GetJsonAsync("/v1/data?sort=-price_usd&limit=500")).GetProperty("data").EnumerateArray()
            .Select(r => r.GetProperty("price_usd").GetDecimal()).ToList();
        byPrice.ShouldBe(byPrice.OrderByDescending(p => p).ToList());

        foreach (var sort in new[] { "market_cap_usd", "-market_cap_usd" })
        {
            var caps = (await _client.GetJsonAsync($"/v1/data?sort={sort}&limit=500")).GetProperty("data").EnumerateArray()
                .Select(r => r.GetProperty("market_cap_usd")).ToList();
            var firstNull = caps.FindIndex(c => c.ValueKind == JsonValueKind.Null);
            firstNull.ShouldBe(caps.Count - Seeded.NullCaps, $"{sort}: NULL market caps come last");
            var values = caps.Take(firstNull).Select(c => c.GetDecimal()).ToList();
            values.ShouldBe(sort.StartsWith('-') ? values.OrderByDescending(v => v).ToList() : values.Order().ToList());
        }

        var tickers = (await _client.GetJsonAsync("/v1/data?sort=ticker&limit=500")).GetProperty("data").EnumerateArray()
            .Select(r => r.GetProperty("ticker").GetString()).ToList();
        tickers.ShouldBe(tickers.Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public async Task OffsetPages_FollowTheSameOrder()
    {
        var whole = (await _client.GetJsonAsync("/v1/data?limit=500")).GetProperty("data").EnumerateArray().Select(Key).ToList();

        var second = await _client.GetJsonAsync("/v1/data?limit=3&offset=3");

        second.GetProperty("data").EnumerateArray().Select(Key).ShouldBe(whole.Skip(3).Take(3));
        second.GetProperty("pagination").GetProperty("offset").GetInt32().ShouldBe(3);
        second.GetProperty("pagination").GetProperty("next_cursor").GetString().ShouldNotBeNullOrEmpty();
    }

    [Theory]
    [InlineData("sort=newest", "sort")]
    [InlineData("sort=-", "sort")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("limit=-1", "limit")]
    [InlineData("limit=1e2", "limit")]
    [InlineData("offset=-5", "offset")]
    [InlineData("offset=10001", "offset")]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2026-13-40", "from")]
    [InlineData("to=2026-11-20T25:00:00Z", "to")]
    [InlineData("from=2026-11-21&to=2026-11-20", "from")]
    [InlineData("source=binance", "source")]
    [InlineData("source=csv,kraken", "source")]
    [InlineData("asset_id=not-a-uuid", "asset_id")]
    [InlineData("ticker=ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", "ticker")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("cursor=WzEsIi1vYnNlcnZlZF9hdCJd", "cursor")]
    [InlineData("offset=2&cursor=abc", "cursor")]
    public async Task BadParameters_AreA400Problem_NamingTheParameter(string query, string parameter)
    {
        var problem = await _client.GetProblemAsync($"/v1/data?{query}", HttpStatusCode.BadRequest);

        problem.ErrorsFor(parameter).ShouldNotBeEmpty();
    }

    [Fact]
    public async Task ACursor_IsRefusedUnderAnotherSortOrOtherFilters()
    {
        var first = await _client.GetJsonAsync("/v1/data?limit=2&ticker=BTC");
        var cursor = Uri.EscapeDataString(first.GetProperty("pagination").GetProperty("next_cursor").GetString()!);

        (await _client.GetProblemAsync($"/v1/data?limit=2&ticker=BTC&sort=price_usd&cursor={cursor}", HttpStatusCode.BadRequest))
            .ErrorsFor("cursor").Single().ShouldContain("sort");
        (await _client.GetProblemAsync($"/v1/data?limit=2&ticker=ETH&cursor={cursor}", HttpStatusCode.BadRequest))
            .ErrorsFor("cursor").Single().ShouldContain("filters");
        (await _client.GetJsonAsync($"/v1/data?limit=2&ticker=BTC&cursor={cursor}")).GetProperty("data").GetArrayLength().ShouldBe(2);
    }

    [Fact]
    public async Task AnOversizedQueryString_IsA414Problem()
    {
        await _client.GetProblemAsync("/v1/data?ticker=" + new string('A', 3000), HttpStatusCode.RequestUriTooLong);
    }

    [Fact]
    public async Task TheClientsRequestId_IsEchoed_AndAnUnsafeOneReplaced()
    {
        using var mine = new HttpRequestMessage(HttpMethod.Get, "/v1/data?limit=1");
        mine.Headers.Add("X-Request-Id", "trace-42.abc");
        using var echoed = await _client.SendAsync(mine);
        echoed.Headers.GetValues("X-Request-Id").Single().ShouldBe("trace-42.abc");
        (await echoed.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("meta").GetProperty("request_id").GetString().ShouldBe("trace-42.abc");
        echoed.Headers.GetValues("api-supported-versions").Single().ShouldBe("1.0");

        using var unsafeId = new HttpRequestMessage(HttpMethod.Get, "/v1/data?limit=1");
        unsafeId.Headers.TryAddWithoutValidation("X-Request-Id", "bad id\twith spaces");
        using var replaced = await _client.SendAsync(unsafeId);
        var id = replaced.Headers.GetValues("X-Request-Id").Single();
        id.ShouldNotContain(" ");
        id.Length.ShouldBe(32);
    }

    private static string Key(JsonElement row) =>
        $"{row.GetProperty("source").GetString()}/{row.GetProperty("source_asset_id").GetString()}/{row.GetProperty("observed_at").GetDateTimeOffset():O}";

    /// <summary>
    /// BTC from three sources at 00:00..02:00 (6 quotes, two of them with no market cap), ETH from two sources
    /// (3 quotes), and a SHIB quote with a price far below a cent: 10 quotes in all.
    /// </summary>
    public sealed class Seeded : ApiFactory
    {
        public const int QuoteCount = 10;
        public const int NullCaps = 2;

        public Guid Btc { get; private set; }

        public Guid Shib { get; private set; }

        protected override async Task SeedAsync()
        {
            Btc = await this.AssetAsync("BTC", "Bitcoin", 1_800_000_000_000m);
            var eth = await this.AssetAsync("ETH", "Ethereum", 400_000_000_000m);
            Shib = await this.AssetAsync("SHIB", "Shiba Inu", 5_100_000_000m);
            await this.QuoteAsync(Btc, "BTC", "coinpaprika", "btc-bitcoin", T0, 87_000m, 1_700_000_000_000m, "Bitcoin");
            await this.QuoteAsync(Btc, "BTC", "coinpaprika", "btc-bitcoin", T0.AddHours(2), 87_250.5m, 1_710_000_000_000m, "Bitcoin");
            await this.QuoteAsync(Btc, "BTC", "coingecko", "bitcoin", T0, 87_010.25m, 1_700_100_000_000m, "Bitcoin");
            await this.QuoteAsync(Btc, "BTC", "coingecko", "bitcoin", T0.AddHours(2), 87_260m, 1_710_100_000_000m, "Bitcoin");
            await this.QuoteAsync(Btc, "BTC", "csv", "BTC", T0.AddHours(1), 87_100m, null, "Bitcoin");
            await this.QuoteAsync(Btc, "BTC", "csv", "BTC", T0.AddHours(3), 87_300m, null, "Bitcoin");
            await this.QuoteAsync(eth, "ETH", "coinpaprika", "eth-ethereum", T0.AddHours(2), 3_100.12345678m, 380_000_000_000m, "Ethereum");
            await this.QuoteAsync(eth, "ETH", "coingecko", "ethereum", T0.AddHours(2), 3_101m, 380_100_000_000m, "Ethereum");
            await this.QuoteAsync(eth, "ETH", "csv", "ETH", T0.AddHours(3), 3_099.5m, 379_000_000_000m, "Ethereum");
            await this.QuoteAsync(Shib, "SHIB", "coingecko", "shiba-inu", T0.AddHours(1), 0.000000008730861m, 5_100_000_000m, "Shiba Inu");
        }
    }
}
