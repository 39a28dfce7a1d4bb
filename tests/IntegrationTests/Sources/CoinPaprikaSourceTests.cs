using System.Diagnostics;
using Kasparro.Application.Ingestion.RunIngestion;
using Kasparro.Domain.Ingestion;
using Xunit.Abstractions;

namespace Kasparro.IntegrationTests.Sources;

/// <summary>The CoinPaprika source end to end: recorded payloads over real HTTP from a stub, through the mediator, into PostgreSQL.</summary>
public sealed class CoinPaprikaSourceTests(ITestOutputHelper output) : ApiSourceTestBase
{
    private const string Tickers = "/v1/tickers";
    private const int FixtureTickers = 2500;

    [Fact]
    public async Task Ingest_LoadsEveryTickerOfTheRecordedListingKeyedByProviderId()
    {
        Stub.On(Tickers, null, Responses.Bytes(ApiFixtures.Bytes(ApiFixtures.PaprikaTickers)));
        var app = App();

        var run = await app.IngestAsync("coinpaprika");

        run.Status.ShouldBe(SourceRunStatus.Succeeded);
        run.Counts.ShouldBe(new RunCounts(FixtureTickers, FixtureTickers, 0, 0));
        (await app.CountAsync("SELECT count(*) FROM quotes WHERE source = 'coinpaprika'")).ShouldBe(FixtureTickers);
        (await app.CountAsync("SELECT count(*) FROM raw_coinpaprika")).ShouldBe(FixtureTickers);
        (await app.CountAsync("SELECT count(DISTINCT source_record_id) FROM raw_coinpaprika")).ShouldBe(FixtureTickers);
        (await app.CountAsync("SELECT count(*) FROM asset_sources WHERE source = 'coinpaprika'")).ShouldBe(FixtureTickers);
        (await app.CountAsync("SELECT count(*) FROM rejected_records")).ShouldBe(0);
        (await app.CountAsync("SELECT count(*) FROM schema_drift_events")).ShouldBe(0);

        // Shared symbols are different coins: one asset per provider id.
        (await app.CountAsync("SELECT count(DISTINCT asset_id) FROM quotes WHERE ticker = 'HEX'")).ShouldBe(2);
        (await app.CountAsync("SELECT count(DISTINCT asset_id) FROM quotes WHERE ticker = 'PEPE'")).ShouldBe(2);
        (await app.TextAsync("SELECT source_asset_id FROM quotes WHERE ticker = 'HEX' ORDER BY market_cap_usd DESC LIMIT 1")).ShouldBe("hex-hex-from-pulsechain");

        // Verbatim raw JSON; numbers as decimal from their text; 0 market cap read as unknown.
        (await app.TextAsync("SELECT payload->'quotes'->'USD'->>'price' FROM raw_coinpaprika WHERE source_record_id = 'btc-bitcoin'")).ShouldBe("29427.918932650417");
        (await app.TextAsync("SELECT price_usd::text FROM quotes WHERE source_asset_id = 'btc-bitcoin'")).ShouldBe("29427.918932650000000000");
        (await app.TextAsync("SELECT observed_at = '2023-08-11T08:09:18Z' FROM quotes WHERE source_asset_id = 'btc-bitcoin'")).ShouldBe("True");
        (await app.CountAsync("SELECT count(*) FROM quotes WHERE source = 'coinpaprika' AND market_cap_usd IS NULL")).ShouldBe(114);

        var checkpoint = await app.TextAsync("SELECT concat_ws('|', stream, generation, position, rows, jsonb_typeof(state), state->>'btc-bitcoin') FROM etl_checkpoints WHERE source = 'coinpaprika'");
        checkpoint.ShouldBe($"tickers|0|{ApiFixtures.NewestLastUpdatedMs(ApiFixtures.Items(ApiFixtures.PaprikaTickers))}|{FixtureTickers}|object|2023-08-11T08:09:18Z");

        var request = Stub.Requests.ShouldHaveSingleItem();
        request.Path.ShouldBe(Tickers);
        request.Query.ShouldBe("?quotes=USD");
        request.Header("Authorization").ShouldBeNull();
    }

    [Fact]
    public async Task Ingest_WhenTheListingIsUnchanged_SkipsEveryTickerAndAddsNothing()
    {
        Stub.On(Tickers, null, Responses.Bytes(ApiFixtures.Bytes(ApiFixtures.PaprikaTickers)));
        var app = App();
        await app.IngestAsync("coinpaprika");

        var second = await app.IngestAsync("coinpaprika");

        second.Status.ShouldBe(SourceRunStatus.Succeeded);
        second.Counts.ShouldBe(new RunCounts(FixtureTickers, 0, FixtureTickers, 0));
        (await app.CountAsync("SELECT count(*) FROM quotes")).ShouldBe(FixtureTickers);
        (await app.CountAsync("SELECT count(*) FROM raw_coinpaprika")).ShouldBe(FixtureTickers);
        (await app.CountAsync("SELECT rows FROM etl_checkpoints WHERE source = 'coinpaprika'")).ShouldBe(FixtureTickers);
        Stub.RequestsTo(Tickers).Count.ShouldBe(2);
    }

    [Fact]
    public async Task Ingest_WhenSomeTickersMoved_LoadsOnlyThose()
    {
        var original = ApiFixtures.Text(ApiFixtures.PaprikaTickers);
        var moved = original
            .Replace("\"last_updated\":\"2023-08-11T08:09:18Z\",\"quotes\":{\"USD\":{\"price\":29427.918932650417", "\"last_updated\":\"2023-08-11T08:14:18Z\",\"quotes\":{\"USD\":{\"price\":29430.5", StringComparison.Ordinal);
        moved.ShouldNotBe(original);
        Stub.On(Tickers, null, Responses.Json(original), Responses.Json(moved));
        var app = App();
        await app.IngestAsync("coinpaprika");

        var second = await app.IngestAsync("coinpaprika");

        second.Counts.ShouldBe(new RunCounts(FixtureTickers, 1, FixtureTickers - 1, 0));
        (await app.CountAsync("SELECT count(*) FROM quotes WHERE source_asset_id = 'btc-bitcoin'")).ShouldBe(2);
        (await app.TextAsync("SELECT state->>'btc-bitcoin' FROM etl_checkpoints WHERE source = 'coinpaprika'")).ShouldBe("2023-08-11T08:14:18Z");
    }

    [Fact]
    public async Task Ingest_WithAnApiKey_SendsItAsAuthorizationAndKeepsItOutOfErrorsAndLogs()
    {
        const string key = "cp-test-key-5f0c1e9a7b";
        Stub.On(Tickers, null, Responses.Json($$"""{"error":"invalid api key {{key}}"}""", 500));
        var app = App(new Dictionary<string, string?> { ["COINPAPRIKA_API_KEY"] = key });

        var run = await app.IngestAsync("coinpaprika");

        run.Status.ShouldBe(SourceRunStatus.Failed);
        Stub.Requests.Count.ShouldBe(3);
        Stub.Requests.ShouldAllBe(r => r.Header("Authorization") == key);
        var error = await app.TextAsync("SELECT error_message FROM etl_runs");
        error.ShouldBe("source unavailable: HTTP 500 from coinpaprika after retries: invalid api key *** [GET tickers?quotes=USD]");
        app.LogLines.ShouldNotBeEmpty();
        app.LogLines.ShouldAllBe(line => !line.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ingest_WhenTheListingIsEmpty_SucceedsWithNothing()
    {
        Stub.On(Tickers, null, Responses.Json("[]"));
        var app = App();

        var run = await app.IngestAsync("coinpaprika");

        run.Status.ShouldBe(SourceRunStatus.Succeeded);
        run.Counts.ShouldBe(RunCounts.Zero);
        (await app.CountAsync("SELECT count(*) FROM quotes")).ShouldBe(0);
        (await app.CountAsync("SELECT rows FROM etl_checkpoints WHERE source = 'coinpaprika'")).ShouldBe(0);
    }

    [Fact]
    public async Task Ingest_WhenTheServerFailsOnceThenAnswers_RetriesAndLoads()
    {
        Stub.On(Tickers, null, Responses.Json("""{"error":"internal"}""", 500), Responses.Bytes(ApiFixtures.Bytes(ApiFixtures.PaprikaTickers)));
        var app = App();

        var run = await app.IngestAsync("coinpaprika");

        run.Status.ShouldBe(SourceRunStatus.Succeeded);
        run.Counts.Loaded.ShouldBe(FixtureTickers);
        Stub.RequestsTo(Tickers).Count.ShouldBe(2);
    }

    [Fact]
    public async Task Ingest_WhenTheServerNeverAnswers_FailsAfterTheAttemptTimeoutsWithNothingWritten()
    {
        Stub.On(Tickers, null, Responses.Hang());
        var app = App(new Dictionary<string, string?> { ["COINPAPRIKA_ATTEMPT_TIMEOUT"] = "300ms", ["COINPAPRIKA_MAX_RETRIES"] = "1" });

        var run = await app.IngestAsync("coinpaprika");

        run.Status.ShouldBe(SourceRunStatus.Failed);
        run.Counts.ShouldBe(RunCounts.Zero);
        Stub.RequestsTo(Tickers).Count.ShouldBe(2);
        (await app.TextAsync("SELECT error_message FROM etl_runs")).ShouldStartWith("source unavailable: coinpaprika did not answer GET tickers?quotes=USD:");
        (await app.CountAsync("SELECT count(*) FROM etl_checkpoints")).ShouldBe(0);
    }

    [Fact]
    public async Task Ingest_WhenCloudflareAnswersWithAnHtmlPage_FailsWithAClearError()
    {
        Stub.On(Tickers, null, Responses.Html("<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>"));
        var app = App();

        var run = await app.IngestAsync("coinpaprika");

        run.Status.ShouldBe(SourceRunStatus.Failed);
        Stub.Requests.Count.ShouldBe(1);
        (await app.TextAsync("SELECT status || ': ' || error_message FROM etl_runs")).ShouldBe(
            "failed: source unavailable: coinpaprika answered GET tickers?quotes=USD with an HTML page instead of JSON (HTTP 200, a proxy or Cloudflare page?): page titled 'Just a moment...'");
    }

    [Fact]
    public async Task Ingest_WhenTheConnectionDropsMidBody_CommitsTheItemsBeforeItWithTheirCheckpoint()
    {
        var body = ApiFixtures.Bytes(ApiFixtures.PaprikaTickers);
        Stub.On(Tickers, null, Responses.Aborted(body, ApiFixtures.OffsetAfterItems(body, 100) + 40));
        var app = App(batchSize: 100);

        var run = await app.IngestAsync("coinpaprika");

        run.Status.ShouldBe(SourceRunStatus.Partial);
        run.Counts.ShouldBe(new RunCounts(100, 100, 0, 0));
        run.Error.ShouldStartWith("source unavailable: the body of GET tickers?quotes=USD from coinpaprika broke off after 100 complete items:");
        (await app.CountAsync("SELECT count(*) FROM quotes")).ShouldBe(100);
        (await app.CountAsync("SELECT count(*) FROM raw_coinpaprika")).ShouldBe(100);
        (await app.CountAsync("SELECT rows FROM etl_checkpoints WHERE source = 'coinpaprika'")).ShouldBe(100);
    }

    [Fact]
    public async Task Ingest_WhenTheBodyEndsMidArray_CommitsTheItemsBeforeTheCutAndReadsOnlyTheRestNextTime()
    {
        var body = ApiFixtures.Bytes(ApiFixtures.PaprikaTickers);
        Stub.On(Tickers, null, Responses.CutShort(body, ApiFixtures.OffsetAfterItems(body, 1000) + 40), Responses.Bytes(body));
        var app = App(batchSize: 100);

        var run = await app.IngestAsync("coinpaprika");

        run.Status.ShouldBe(SourceRunStatus.Partial);
        run.Counts.ShouldBe(new RunCounts(1000, 1000, 0, 0));
        run.Error.ShouldStartWith("source unavailable: the body of GET tickers?quotes=USD from coinpaprika is cut short or malformed after 1000 complete items:");
        (await app.CountAsync("SELECT count(*) FROM raw_coinpaprika")).ShouldBe(1000);
        (await app.CountAsync("SELECT rows FROM etl_checkpoints WHERE source = 'coinpaprika'")).ShouldBe(1000);

        var next = await app.IngestAsync("coinpaprika");

        next.Status.ShouldBe(SourceRunStatus.Succeeded);
        next.Counts.ShouldBe(new RunCounts(FixtureTickers, FixtureTickers - 1000, 1000, 0));
        (await app.CountAsync("SELECT count(*) FROM quotes")).ShouldBe(FixtureTickers);
    }

    [Fact]
    public async Task Ingest_WhenTheBodyBreaksOffMidBatch_CommitsEveryCompleteItemBeforeTheCut()
    {
        var body = ApiFixtures.Bytes(ApiFixtures.PaprikaTickers);
        var cut = body.Length / 2;
        var complete = ApiFixtures.CompleteItemsBefore(body, cut);
        Stub.On(Tickers, null, Responses.CutShort(body, cut));
        var app = App(batchSize: 100);

        var run = await app.IngestAsync("coinpaprika");

        run.Status.ShouldBe(SourceRunStatus.Partial);
        run.Counts.ShouldBe(new RunCounts(complete, complete, 0, 0));
        (await app.CountAsync("SELECT rows FROM etl_checkpoints WHERE source = 'coinpaprika'")).ShouldBe(complete);
    }

    [Fact]
    public async Task Ingest_WhenAQuoteFieldIsRenamedSimilarly_MapsItAndRecordsTheDrift()
    {
        Stub.On(Tickers, null, Responses.Json(ApiFixtures.Text(ApiFixtures.PaprikaTickers).Replace("\"volume_24h\":", "\"volume24h\":", StringComparison.Ordinal)));
        var app = App();

        var run = await app.IngestAsync("coinpaprika");

        run.Status.ShouldBe(SourceRunStatus.Succeeded);
        run.Counts.ShouldBe(new RunCounts(FixtureTickers, FixtureTickers, 0, 0));
        (await app.TextsAsync("SELECT concat_ws('|', stream, expected_field, observed_field, confidence, action) FROM schema_drift_events"))
            .ShouldBe(["tickers|quotes.USD.volume_24h|quotes.USD.volume24h|1.0000|mapped"]);
        (await app.TextAsync("SELECT volume_24h_usd::text FROM quotes WHERE source_asset_id = 'btc-bitcoin'")).ShouldBe("17385954206.667908");
        app.LogLines.ShouldContain(l => l.Contains("Warning", StringComparison.Ordinal) && l.Contains("reading 'quotes.USD.volume24h'", StringComparison.Ordinal));
    }

    /// <summary>Not an assertion on time: prints the throughput once the response has arrived (see the report).</summary>
    [Fact]
    public async Task Ingest_TheRecordedListing_ReportsItsThroughput()
    {
        Stub.On(Tickers, null, Responses.Bytes(ApiFixtures.Bytes(ApiFixtures.PaprikaTickers)));
        var app = App(batchSize: 5_000);
        await app.IngestAsync("csv"); // warms up the pipeline and the connection pool
        var watch = Stopwatch.StartNew();

        var run = await app.IngestAsync("coinpaprika");

        watch.Stop();
        run.Counts.Loaded.ShouldBe(FixtureTickers);
        output.WriteLine($"coinpaprika: {FixtureTickers} tickers end to end in {watch.ElapsedMilliseconds} ms (run {run.DurationMs} ms): {FixtureTickers / watch.Elapsed.TotalSeconds:0} tickers/s");
    }
}
