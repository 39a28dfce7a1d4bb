using Kasparro.Application.Health.GetHealth;
using Kasparro.Application.Ingestion.RunIngestion;
using Kasparro.Domain.Ingestion;
using Kasparro.IntegrationTests.Fixtures;

namespace Kasparro.IntegrationTests.Ingestion;

/// <summary>The CSV pipeline end to end through the mediator, against a real PostgreSQL (a fresh database per test).</summary>
public sealed class CsvIngestionTests : IAsyncLifetime
{
    private readonly TempCsvFolder _files = new();
    private PostgresServer _server = null!;
    private string _connectionString = string.Empty;
    private IngestionApp _app = null!;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.SharedAsync();
        _connectionString = await _server.CreateDatabaseAsync();
        _app = new IngestionApp(_connectionString, _files.Path, batchSize: 100);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _server.DropDatabaseAsync(_connectionString);
        _files.Dispose();
    }

    [Fact]
    public async Task Ingest_LoadsEveryRowWithRawCopiesAndOneAssetPerCoin()
    {
        _files.Write("prices.csv", TempCsvFolder.Header + "\n" + TempCsvFolder.Rows(tickers: 5, days: 50));

        var run = await _app.IngestAsync("csv");

        run.Status.ShouldBe(SourceRunStatus.Succeeded);
        run.Counts.ShouldBe(new RunCounts(250, 250, 0, 0));
        (await _app.CountAsync("SELECT count(*) FROM quotes")).ShouldBe(250);
        (await _app.CountAsync("SELECT count(*) FROM raw_csv")).ShouldBe(250);
        (await _app.CountAsync("SELECT count(*) FROM assets")).ShouldBe(5);
        (await _app.CountAsync("SELECT count(*) FROM asset_sources WHERE source = 'csv'")).ShouldBe(5);
        (await _app.CountAsync($"SELECT read_count + loaded_count FROM etl_runs WHERE id = '{run.RunId}' AND status = 'succeeded'")).ShouldBe(500);
    }

    [Fact]
    public async Task Ingest_WhenBatchesRepeatContentInReverseOrder_StoresEachContentOnceAndSucceeds()
    {
        // Batches of 100 rows: each repeats every row of the batch before it, in the opposite order. Their raw landings
        // would take the same content keys in opposite orders, so they must not run side by side.
        var block = TempCsvFolder.Rows(tickers: 10, days: 10).TrimEnd('\n').Split('\n');
        var reversed = block.Reverse().ToArray();
        _files.Write("repeats.csv", TempCsvFolder.Header + "\n" + string.Join("\n", [.. block, .. reversed, .. block, .. reversed]) + "\n");

        var run = await _app.IngestAsync("csv");

        run.Status.ShouldBe(SourceRunStatus.Succeeded);
        run.Counts.ShouldBe(new RunCounts(400, 100, 300, 0));
        (await _app.CountAsync("SELECT count(*) FROM raw_csv")).ShouldBe(100);
        (await _app.CountAsync("SELECT count(*) FROM quotes")).ShouldBe(100);
    }

    [Fact]
    public async Task Ingest_WhenFileUnchanged_SkipsWithoutAddingRows()
    {
        _files.Write("prices.csv", TempCsvFolder.Header + "\n" + TempCsvFolder.Rows(tickers: 3, days: 40));
        await _app.IngestAsync("csv");

        var second = await _app.IngestAsync("csv");

        second.Status.ShouldBe(SourceRunStatus.Succeeded);
        second.Counts.ShouldBe(new RunCounts(120, 0, 120, 0));
        (await _app.CountAsync("SELECT count(*) FROM quotes")).ShouldBe(120);
        (await _app.CountAsync("SELECT count(*) FROM raw_csv")).ShouldBe(120);
    }

    [Fact]
    public async Task Ingest_WhenRowsAreAppended_LoadsOnlyTheNewRows()
    {
        _files.Write("prices.csv", TempCsvFolder.Header + "\n" + TempCsvFolder.Rows(tickers: 2, days: 30));
        await _app.IngestAsync("csv");
        _files.Append("prices.csv", TempCsvFolder.Rows(tickers: 2, days: 5, firstDay: 30));

        var second = await _app.IngestAsync("csv");

        second.Counts.ShouldBe(new RunCounts(10, 10, 0, 0));
        (await _app.CountAsync("SELECT count(*) FROM quotes")).ShouldBe(70);
        (await _app.CountAsync("SELECT max(rows) FROM etl_checkpoints WHERE source = 'csv'")).ShouldBe(70);
    }

    [Fact]
    public async Task Ingest_WhenOneBatchHoldsTheSameKeyTwice_LoadsItOnce()
    {
        const string row = "BTC,Bitcoin,2024-03-01T00:00:00Z,61000.5,1200000000000,30000000000\n";
        _files.Write("dup.csv", TempCsvFolder.Header + "\n" + row + row + "ETH,Ethereum,2024-03-01T00:00:00Z,3400,400000000000,1\n");

        var run = await _app.IngestAsync("csv");

        run.Counts.ShouldBe(new RunCounts(3, 2, 1, 0));
        (await _app.CountAsync("SELECT count(*) FROM quotes")).ShouldBe(2);
        (await _app.CountAsync("SELECT count(*) FROM raw_csv")).ShouldBe(2);
    }

    [Fact]
    public async Task Ingest_WhenAnOlderVersionIsReplayed_KeepsTheNewerData()
    {
        var newer = new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc);
        _files.Write("btc.csv", TempCsvFolder.Header + "\nBTC,Bitcoin,2024-03-01T00:00:00Z,200,1,1\n", newer);
        await _app.IngestAsync("csv");

        _files.Write("btc.csv", TempCsvFolder.Header + "\nBTC,Bitcoin,2024-03-01T00:00:00Z,100,1,1\n", newer.AddDays(-30));
        var replay = await _app.IngestAsync("csv");

        replay.Counts.ShouldBe(new RunCounts(1, 0, 1, 0));
        (await _app.TextAsync("SELECT price_usd::text FROM quotes")).ShouldBe("200.000000000000000000");
    }

    [Fact]
    public async Task Ingest_WhenANewerVersionArrives_UpdatesTheQuote()
    {
        var older = new DateTime(2026, 5, 1, 0, 0, 0, DateTimeKind.Utc);
        _files.Write("btc.csv", TempCsvFolder.Header + "\nBTC,Bitcoin,2024-03-01T00:00:00Z,100,1,1\n", older);
        await _app.IngestAsync("csv");

        _files.Write("btc.csv", TempCsvFolder.Header + "\nBTC,Bitcoin,2024-03-01T00:00:00Z,150.123456789,1,1\n", older.AddDays(1));
        var update = await _app.IngestAsync("csv");

        update.Counts.ShouldBe(new RunCounts(1, 1, 0, 0));
        (await _app.TextAsync("SELECT price_usd::text FROM quotes")).ShouldBe("150.123456790000000000");
    }

    [Fact]
    public async Task Ingest_RejectsBadRowsWithEveryReasonAndLoadsTheRest()
    {
        _files.Write("mixed.csv", TempCsvFolder.Header + "\n"
            + "BTC,Bitcoin,2024-03-01T00:00:00Z,61000,1,1\n"
            + ",NoSymbol,2024-03-01T00:00:00Z,-5,1,1\n"
            + "ETH,Ethereum,not a date,3400,1,1\n"
            + "SOL,Solana,2024-03-01T00:00:00Z,150,1\n");

        var run = await _app.IngestAsync("csv");

        run.Status.ShouldBe(SourceRunStatus.Succeeded);
        run.Counts.ShouldBe(new RunCounts(4, 1, 0, 3));
        (await _app.CountAsync("SELECT count(*) FROM rejected_records")).ShouldBe(3);
        var reasons = await _app.TextAsync("SELECT reasons::text FROM rejected_records WHERE source_reference = 'mixed.csv:3'");
        reasons.ShouldNotBeNull();
        reasons.ShouldContain("symbol is empty");
        reasons.ShouldContain("price is negative");
        (await _app.CountAsync($"SELECT count(*) FROM rejected_records WHERE run_id = '{run.RunId}' AND raw_content IS NOT NULL")).ShouldBe(3);
        (await _app.CountAsync("SELECT count(*) FROM raw_csv")).ShouldBe(4);
    }

    [Fact]
    public async Task Ingest_BitcoinFromAnExportAndANamedFile_IsOneAsset()
    {
        _files.Write("btc-usd-max.csv", "snapped_at,price,market_cap,total_volume\n2013-04-28 00:00:00 UTC,135.3,1500517590,0\n");
        _files.Write("coins.csv", "Name,Symbol,Date,Close,Marketcap\nBitcoin,BTC,2013-04-29 23:59:59,144.54,1603768864.5\nBitcoin Cash,BCH,2018-01-01 00:00:00,2500,4\n");

        var run = await _app.IngestAsync("csv");

        run.Counts.Rejected.ShouldBe(0);
        (await _app.CountAsync("SELECT count(*) FROM assets WHERE ticker = 'BTC'")).ShouldBe(1);
        (await _app.CountAsync("SELECT count(DISTINCT asset_id) FROM quotes WHERE ticker = 'BTC'")).ShouldBe(1);
        (await _app.TextAsync("SELECT name FROM assets WHERE ticker = 'BTC'")).ShouldBe("Bitcoin");
        (await _app.CountAsync("SELECT count(*) FROM assets")).ShouldBe(2);
    }

    [Fact]
    public async Task Ingest_WithFailAfter_RecordsAFailedRunThenResumesCleanly()
    {
        _files.Write("prices.csv", TempCsvFolder.Header + "\n" + TempCsvFolder.Rows(tickers: 10, days: 30));

        var failed = await _app.IngestAsync("csv", failAfter: 150);
        var resumed = await _app.IngestAsync("csv");

        failed.Status.ShouldBe(SourceRunStatus.Failed);
        failed.Counts.Read.ShouldBe(150);
        (await _app.TextAsync($"SELECT error_message FROM etl_runs WHERE id = '{failed.RunId}' AND status = 'failed' AND finished_at IS NOT NULL"))
            .ShouldBe("aborted by failure injection after committing 150 records (--fail-after 150)");
        resumed.Status.ShouldBe(SourceRunStatus.Succeeded);
        resumed.Counts.ShouldBe(new RunCounts(150, 150, 0, 0));
        (await _app.CountAsync("SELECT count(*) FROM quotes")).ShouldBe(300);
    }

    [Fact]
    public async Task Health_AfterARun_ShowsTheLastCsvRun()
    {
        _files.Write("prices.csv", TempCsvFolder.Header + "\n" + TempCsvFolder.Rows(tickers: 1, days: 3));
        var run = await _app.IngestAsync("csv");

        var health = await _app.SendAsync(new GetHealthQuery());

        health.DatabaseUp.ShouldBeTrue();
        health.LastEtlRun!.Id.ShouldBe(run.RunId!.Value);
        health.Sources["csv"].LastRun!.Status.ShouldBe("succeeded");
        health.Sources["csv"].FreshnessSeconds.ShouldNotBeNull();
    }
}
