using Kasparro.Application.Ingestion.RunIngestion;
using Kasparro.Domain.Ingestion;

namespace Kasparro.IntegrationTests.Sources;

/// <summary>The CoinGecko source end to end: recorded pages and error bodies over real HTTP, through the mediator, into PostgreSQL.</summary>
public sealed class CoinGeckoSourceTests : ApiSourceTestBase
{
    private const string Markets = "/api/v3/coins/markets";

    private static StubResponse Page100 => Responses.Bytes(ApiFixtures.Bytes(ApiFixtures.GeckoMarkets100));

    private static StubResponse Page20 => Responses.Bytes(ApiFixtures.Bytes(ApiFixtures.GeckoMarkets20));

    [Fact]
    public async Task Ingest_ReadsPagesUntilAShortPage()
    {
        Stub.On(Markets, 1, Page100);
        Stub.On(Markets, 2, Page20);
        var app = App();

        var run = await app.IngestAsync("coingecko");

        run.Status.ShouldBe(SourceRunStatus.Succeeded);
        run.Counts.ShouldBe(new RunCounts(120, 120, 0, 0));
        (await app.CountAsync("SELECT count(*) FROM quotes WHERE source = 'coingecko'")).ShouldBe(120);
        (await app.CountAsync("SELECT count(*) FROM raw_coingecko")).ShouldBe(120);
        (await app.CountAsync("SELECT count(*) FROM asset_sources WHERE source = 'coingecko'")).ShouldBe(100);
        (await app.CountAsync("SELECT count(*) FROM schema_drift_events")).ShouldBe(0);
        (await app.TextsAsync("SELECT source_reference FROM raw_coingecko WHERE source_record_id = 'bitcoin' ORDER BY source_reference"))
            .ShouldBe(["markets?page=1[0]", "markets?page=2[0]"]);

        var ids = ApiFixtures.Items(ApiFixtures.GeckoMarkets100).Concat(ApiFixtures.Items(ApiFixtures.GeckoMarkets20)).ToList();
        (await app.TextAsync("SELECT concat_ws('|', stream, generation, position, rows, state->>'bitcoin') FROM etl_checkpoints WHERE source = 'coingecko'"))
            .ShouldBe($"markets|0|{ApiFixtures.NewestLastUpdatedMs(ids)}|100|2026-07-11T09:45:01.651Z");

        var requests = Stub.RequestsTo(Markets);
        requests.Select(r => r.Query).ShouldBe([
            "?vs_currency=usd&order=market_cap_desc&per_page=100&page=1",
            "?vs_currency=usd&order=market_cap_desc&per_page=100&page=2",
        ]);
        requests.ShouldAllBe(r => r.Header("x-cg-demo-api-key") == null && r.Header("x-cg-pro-api-key") == null);
    }

    [Fact]
    public async Task Ingest_KeepsInvisibleCharactersInRawAndCleansTheName()
    {
        Stub.On(Markets, 1, Page100);
        Stub.On(Markets, 2, Responses.Json("[]"));
        var app = App();

        await app.IngestAsync("coingecko");

        (await app.TextAsync("SELECT payload->>'name' FROM raw_coingecko WHERE source_record_id = 'stable-2'")).ShouldBe("\u200b\u200bStable");
        (await app.TextAsync("SELECT name FROM quotes WHERE source_asset_id = 'stable-2'")).ShouldBe("Stable");
        (await app.TextAsync("SELECT ticker FROM quotes WHERE source_asset_id = 'bitcoin'")).ShouldBe("BTC");
    }

    [Fact]
    public async Task Ingest_StopsAtThePageLimit()
    {
        Stub.On(Markets, 1, Page100);
        Stub.On(Markets, 2, Page100);
        var app = App(new Dictionary<string, string?> { ["COINGECKO_PAGE_LIMIT"] = "1" });

        var run = await app.IngestAsync("coingecko");

        run.Counts.ShouldBe(new RunCounts(100, 100, 0, 0));
        Stub.RequestsTo(Markets).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Ingest_WhenNothingMoved_SkipsEveryCoinAndAddsNothing()
    {
        Stub.On(Markets, 1, Page20);
        var app = App();
        await app.IngestAsync("coingecko");

        var second = await app.IngestAsync("coingecko");

        second.Status.ShouldBe(SourceRunStatus.Succeeded);
        second.Counts.ShouldBe(new RunCounts(20, 0, 20, 0));
        (await app.CountAsync("SELECT count(*) FROM quotes")).ShouldBe(20);
        (await app.CountAsync("SELECT count(*) FROM raw_coingecko")).ShouldBe(20);
        Stub.RequestsTo(Markets).Count.ShouldBe(2);
    }

    [Theory]
    [InlineData("demo", "x-cg-demo-api-key")]
    [InlineData("pro", "x-cg-pro-api-key")]
    public async Task Ingest_WithAKey_SendsItInThePlansHeader(string plan, string header)
    {
        const string key = "CG-test-key-91d2f0";
        Stub.On(Markets, 1, Page20);
        var app = App(new Dictionary<string, string?> { ["COINGECKO_API_KEY"] = key, ["COINGECKO_API_PLAN"] = plan });

        var run = await app.IngestAsync("coingecko");

        run.Status.ShouldBe(SourceRunStatus.Succeeded);
        Stub.RequestsTo(Markets).ShouldHaveSingleItem().Header(header).ShouldBe(key);
        app.LogLines.ShouldAllBe(line => !line.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ingest_WhenRateLimitedWithRetryAfter_WaitsAndThenLoads()
    {
        Stub.On(Markets, 1, Responses.Bytes(ApiFixtures.Bytes(ApiFixtures.GeckoError429), 429, headers: ("Retry-After", "1")), Page20);
        var app = App();

        var run = await app.IngestAsync("coingecko");

        run.Status.ShouldBe(SourceRunStatus.Succeeded);
        run.Counts.Loaded.ShouldBe(20);
        var requests = Stub.RequestsTo(Markets);
        requests.Count.ShouldBe(2);
        (requests[1].At - requests[0].At).ShouldBeGreaterThan(TimeSpan.FromMilliseconds(900));
    }

    [Fact]
    public async Task Ingest_WhenTheRecordedRateLimitPersists_FailsWithItsMessage()
    {
        Stub.On(Markets, 1, Responses.Bytes(ApiFixtures.Bytes(ApiFixtures.GeckoError429), 429, headers: ("Retry-After", "119")));
        var app = App(new Dictionary<string, string?> { ["COINGECKO_MAX_RETRY_AFTER"] = "2s" });

        var run = await app.IngestAsync("coingecko");

        run.Status.ShouldBe(SourceRunStatus.Failed);
        Stub.RequestsTo(Markets).Count.ShouldBe(1);
        (await app.TextAsync("SELECT error_message FROM etl_runs WHERE source = 'coingecko'")).ShouldBe(
            "source unavailable: HTTP 429 from coingecko after retries: You've exceeded the Rate Limit. Please visit https://www.coingecko.com/en/api/pricing to subscribe to our API plans for higher rate limits. (Retry-After 119 s) [GET coins/markets?vs_currency=usd&order=market_cap_desc&per_page=100&page=1]");
    }

    [Fact]
    public async Task Ingest_WhenTheRecordedForbiddenBodyComes_FailsWithItsMessageWithoutRetrying()
    {
        Stub.On(Markets, 1, Responses.Bytes(ApiFixtures.Bytes(ApiFixtures.GeckoError403), 403));
        var app = App();

        var run = await app.IngestAsync("coingecko");

        run.Status.ShouldBe(SourceRunStatus.Failed);
        Stub.RequestsTo(Markets).Count.ShouldBe(1);
        (await app.TextAsync("SELECT error_message FROM etl_runs WHERE source = 'coingecko'"))!.ShouldStartWith(
            "source unavailable: HTTP 403 from coingecko: This endpoint is temporarily unavailable due to ongoing issues.");
    }

    [Fact]
    public async Task Ingest_WhenTheErrorObjectComesWithStatus200_FailsBecauseAListWasExpected()
    {
        Stub.On(Markets, 1, Responses.Bytes(ApiFixtures.Bytes(ApiFixtures.GeckoError429)));
        var app = App();

        var run = await app.IngestAsync("coingecko");

        run.Status.ShouldBe(SourceRunStatus.Failed);
        run.Error!.ShouldStartWith("source unavailable: coingecko answered GET coins/markets?vs_currency=usd&order=market_cap_desc&per_page=100&page=1 (HTTP 200) with a JSON object where a list was expected: You've exceeded the Rate Limit.");
    }

    [Fact]
    public async Task Ingest_WhenALaterPageExhaustsItsRetries_EndsPartialKeepingTheEarlierPageAndItsCheckpoint()
    {
        Stub.On(Markets, 1, Page100);
        Stub.On(Markets, 2, Responses.Json("""{"status":{"error_code":503,"error_message":"Service Unavailable"}}""", 503));
        var app = App();

        var run = await app.IngestAsync("coingecko");

        run.Status.ShouldBe(SourceRunStatus.Partial);
        run.Counts.ShouldBe(new RunCounts(100, 100, 0, 0));
        run.Error.ShouldBe("source unavailable: HTTP 503 from coingecko after retries: Service Unavailable [GET coins/markets?vs_currency=usd&order=market_cap_desc&per_page=100&page=2]");
        Stub.RequestsTo(Markets).Count.ShouldBe(1 + 3);
        (await app.CountAsync("SELECT count(*) FROM quotes")).ShouldBe(100);
        (await app.CountAsync("SELECT rows FROM etl_checkpoints WHERE source = 'coingecko'")).ShouldBe(100);

        // The next run reads page 1 as unchanged.
        Stub.On(Markets, 2, Responses.Json("[]"));
        var next = await app.IngestAsync("coingecko");
        next.Counts.ShouldBe(new RunCounts(100, 0, 100, 0));
    }

    [Fact]
    public async Task Ingest_WhenTheFirstPageExhaustsItsRetries_FailsWithNothingWritten()
    {
        Stub.On(Markets, 1, Responses.Json("""{"status":{"error_code":500,"error_message":"boom"}}""", 500));
        var app = App();

        var run = await app.IngestAsync("coingecko");

        run.Status.ShouldBe(SourceRunStatus.Failed);
        Stub.RequestsTo(Markets).Count.ShouldBe(3);
        (await app.CountAsync("SELECT count(*) FROM raw_coingecko")).ShouldBe(0);
        (await app.CountAsync("SELECT count(*) FROM etl_checkpoints")).ShouldBe(0);
    }

    [Theory]
    [InlineData("current_prices")]
    [InlineData("currentPrice")]
    public async Task Ingest_WhenThePriceFieldIsRenamedSimilarly_LoadsWithAMappedDrift(string renamed)
    {
        Stub.On(Markets, 1, Responses.Json(ApiFixtures.Text(ApiFixtures.GeckoMarkets20).Replace("\"current_price\":", $"\"{renamed}\":", StringComparison.Ordinal)));
        var app = App();

        var run = await app.IngestAsync("coingecko");

        run.Status.ShouldBe(SourceRunStatus.Succeeded);
        run.Counts.ShouldBe(new RunCounts(20, 20, 0, 0));
        var drift = (await app.TextsAsync("SELECT concat_ws('|', expected_field, observed_field, action) FROM schema_drift_events")).ShouldHaveSingleItem();
        drift.ShouldBe($"current_price|{renamed}|mapped");
        (await app.CountAsync("SELECT count(*) FROM schema_drift_events WHERE confidence >= 0.8")).ShouldBe(1);
        (await app.TextAsync("SELECT price_usd::text FROM quotes WHERE source_asset_id = 'bitcoin'")).ShouldBe("64159.000000000000000000");
    }

    [Fact]
    public async Task Ingest_WhenThePriceFieldIsRemoved_RejectsEveryRecordNamingTheFieldAndRecordsTheDrift()
    {
        var items = ApiFixtures.Items(ApiFixtures.GeckoMarkets20);
        var edited = "[" + string.Join(',', items.Select(i => "{" + string.Join(',', i.EnumerateObject().Where(p => p.Name != "current_price").Select(p => System.Text.Json.JsonSerializer.Serialize(p.Name) + ":" + p.Value.GetRawText())) + "}")) + "]";
        Stub.On(Markets, 1, Responses.Json(edited));
        var app = App();

        var run = await app.IngestAsync("coingecko");

        run.Status.ShouldBe(SourceRunStatus.Succeeded);
        run.Counts.ShouldBe(new RunCounts(20, 0, 0, 20));
        (await app.TextsAsync("SELECT concat_ws('|', expected_field, coalesce(observed_field, '-'), confidence, action) FROM schema_drift_events"))
            .ShouldBe(["current_price|-|0.0000|rejected"]);
        (await app.TextsAsync("SELECT DISTINCT array_to_string(reasons, '; ') FROM rejected_records"))
            .ShouldBe(["field 'current_price' is missing (schema drift, no similar field)"]);
        (await app.CountAsync("SELECT count(*) FROM raw_coingecko")).ShouldBe(20);
        (await app.CountAsync("SELECT count(*) FROM quotes")).ShouldBe(0);
        (await app.CountAsync("SELECT rows FROM etl_checkpoints WHERE source = 'coingecko'")).ShouldBe(0);
    }

    [Fact]
    public async Task Ingest_WhenAnOptionalFieldIsRemoved_LoadsWithoutItAndRecordsTheDrift()
    {
        var items = ApiFixtures.Items(ApiFixtures.GeckoMarkets20);
        var edited = "[" + string.Join(',', items.Select(i => "{" + string.Join(',', i.EnumerateObject().Where(p => p.Name != "market_cap").Select(p => System.Text.Json.JsonSerializer.Serialize(p.Name) + ":" + p.Value.GetRawText())) + "}")) + "]";
        Stub.On(Markets, 1, Responses.Json(edited));
        var app = App();

        var run = await app.IngestAsync("coingecko");

        run.Counts.ShouldBe(new RunCounts(20, 20, 0, 0));
        (await app.TextsAsync("SELECT concat_ws('|', expected_field, action) FROM schema_drift_events")).ShouldBe(["market_cap|missing"]);
        (await app.CountAsync("SELECT count(*) FROM quotes WHERE market_cap_usd IS NULL")).ShouldBe(20);
    }

    [Fact]
    public async Task Ingest_WhenANewFieldAppears_LoadsNormallyAndRecordsItOnce()
    {
        Stub.On(Markets, 1, Responses.Json(ApiFixtures.Text(ApiFixtures.GeckoMarkets100).Replace("{\"id\":", "{\"listing_venue\":\"x\",\"id\":", StringComparison.Ordinal)));
        Stub.On(Markets, 2, Responses.Json(ApiFixtures.Text(ApiFixtures.GeckoMarkets20).Replace("{\"id\":", "{\"listing_venue\":\"x\",\"id\":", StringComparison.Ordinal)));
        var app = App();

        var run = await app.IngestAsync("coingecko");

        run.Counts.ShouldBe(new RunCounts(120, 120, 0, 0));
        (await app.TextsAsync("SELECT concat_ws('|', observed_field, confidence, action) FROM schema_drift_events")).ShouldBe(["listing_venue|0.0000|new field"]);
    }
}
