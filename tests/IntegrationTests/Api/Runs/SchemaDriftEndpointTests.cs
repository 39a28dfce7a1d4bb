using System.Net;
using System.Text.Json;

namespace Kasparro.IntegrationTests.Api.Runs;

/// <summary><c>GET /v1/schema-drift</c>: newest first (ties by id), exact fields, source filter, both paging styles.</summary>
public sealed class SchemaDriftEndpointTests(SchemaDriftEndpointTests.Seeded api) : IClassFixture<SchemaDriftEndpointTests.Seeded>
{
    private static readonly DateTimeOffset Day = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);

    private readonly HttpClient _client = api.CreateClient();

    private static List<long> Ids(JsonElement json) => [.. json.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("id").GetInt64())];

    [Fact]
    public async Task List_IsNewestFirst_TiesBrokenByTheLaterEvent()
    {
        var json = await _client.GetJsonAsync("/v1/schema-drift");

        Ids(json).ShouldBe([api.GeckoRejected, api.CsvMissing, api.GeckoMapped]);
        json.GetProperty("pagination").GetProperty("total").GetInt64().ShouldBe(3);
    }

    [Fact]
    public async Task List_RowsCarryEveryColumn()
    {
        var body = await (await _client.GetAsync("/v1/schema-drift?source=coingecko&offset=1")).Content.ReadAsStringAsync();

        body.ShouldContain("\"confidence\":0.91,");
        var e = JsonDocument.Parse(body).RootElement.GetProperty("data").EnumerateArray().ShouldHaveSingleItem();
        e.GetProperty("id").GetInt64().ShouldBe(api.GeckoMapped);
        e.GetProperty("source").GetString().ShouldBe("coingecko");
        e.GetProperty("run_id").GetGuid().ShouldBe(api.RunId);
        e.GetProperty("stream").GetString().ShouldBe("markets");
        e.GetProperty("expected_field").GetString().ShouldBe("current_price");
        e.GetProperty("observed_field").GetString().ShouldBe("price_current");
        e.GetProperty("confidence").GetDecimal().ShouldBe(0.91m);
        e.GetProperty("action").GetString().ShouldBe("mapped");
        e.GetProperty("message").GetString().ShouldBe("current_price missing; using price_current");
        e.GetProperty("detected_at").GetDateTimeOffset().ShouldBe(Day.AddHours(10));
    }

    [Fact]
    public async Task List_AnEventWithoutAnObservedField_HasNull()
    {
        var json = await _client.GetJsonAsync("/v1/schema-drift?source=csv");

        var e = json.GetProperty("data").EnumerateArray().ShouldHaveSingleItem();
        e.GetProperty("observed_field").ValueKind.ShouldBe(JsonValueKind.Null);
        e.GetProperty("confidence").GetDecimal().ShouldBe(0m);
    }

    [Fact]
    public async Task List_CursorPages_WalkEveryEventOnce()
    {
        var seen = new List<long>();
        string? cursor = null;
        for (var page = 0; page < 3; page++)
        {
            var json = await _client.GetJsonAsync("/v1/schema-drift?limit=1" + (cursor is null ? string.Empty : "&cursor=" + cursor));
            seen.AddRange(Ids(json));
            cursor = json.GetProperty("pagination").GetProperty("next_cursor").GetString();
        }

        seen.ShouldBe([api.GeckoRejected, api.CsvMissing, api.GeckoMapped]);
        cursor.ShouldBeNull();
    }

    [Fact]
    public async Task List_ARunsCursor_IsRefused()
    {
        var runsCursor = (await _client.GetJsonAsync("/v1/runs?limit=1")).GetProperty("pagination").GetProperty("next_cursor").GetString();

        var problem = await _client.GetProblemAsync($"/v1/schema-drift?cursor={runsCursor}", HttpStatusCode.BadRequest);

        problem.ErrorsFor("cursor").ShouldBe(["is not a cursor this API issued"]);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("limit=x", "limit")]
    [InlineData("offset=10001", "offset")]
    [InlineData("source=binance", "source")]
    [InlineData("cursor=%25%25", "cursor")]
    public async Task List_BadParameters_AreProblemsNamingThem(string query, string parameter)
    {
        var problem = await _client.GetProblemAsync($"/v1/schema-drift?{query}", HttpStatusCode.BadRequest);

        problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ShouldBe([parameter]);
    }

    public sealed class Seeded : ApiFactory
    {
        public Guid RunId { get; private set; }

        public long GeckoMapped { get; private set; }

        public long CsvMissing { get; private set; }

        public long GeckoRejected { get; private set; }

        protected override async Task SeedAsync()
        {
            RunId = await this.RunAsync("coingecko", Day.AddHours(9));
            await this.RunAsync("csv", Day.AddHours(9).AddMinutes(30));
            GeckoMapped = await this.DriftAsync(
                "coingecko", RunId, Day.AddHours(10), "current_price", "price_current", 0.91m, "mapped", "current_price missing; using price_current", "markets");
            CsvMissing = await this.DriftAsync("csv", Guid.NewGuid(), Day.AddHours(11), "symbol", null, 0m, "rejected", "no symbol column", "prices.csv");
            GeckoRejected = await this.DriftAsync("coingecko", RunId, Day.AddHours(11), "market_cap", "mcap", 0.6m, "rejected", "market_cap missing", "markets");
        }
    }
}
