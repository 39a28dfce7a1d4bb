using System.Text;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Infrastructure.Sources.Csv;
using Microsoft.Extensions.DependencyInjection;

namespace Kasparro.UnitTests.Sources.Csv;

public sealed class CsvIngestionSourceTests
{
    [Fact]
    public async Task Read_WhenInvestingStyleExport_ReadsBomCrlfQuotedFieldsAndTheUnterminatedLastRow()
    {
        using var folder = new TempCsvFolder();
        var text = "\"Date\",\"Price\",\"Open\",\"High\",\"Low\",\"Vol.\",\"Change %\"\r\n"
            + "\"Jan 14, 2020\",\"8,746.6\",\"8,111.2\",\"8,848.4\",\"8,111.2\",\"1.38M\",\"7.83%\"\r\n"
            + "\"Jan 13, 2020\",\"8,111.4\",\"8,188.3\",\"8,196.7\",\"8,068.4\",\"610.66K\",\"-0.93%\"\r\n"
            + "\"Jun 12, 2011\",\"14.3\",\"14.3\",\"14.3\",\"14.3\",\"-\",\"0.00%\"";
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)];
        var path = folder.Write("btc-usd-investing.csv", bytes);

        var records = (await CsvSourceHarness.ReadAsync(path)).Records();

        records.Count.ShouldBe(3);
        records.ShouldAllBe(r => r.Problems.Count == 0);
        records.Select(r => r.Reference).ShouldBe(["btc-usd-investing.csv:2", "btc-usd-investing.csv:3", "btc-usd-investing.csv:4"]);
        var first = records[0].Fields!;
        first.Symbol.ShouldBe("btc");
        first.Name.ShouldBeNull();
        first.PriceUsd.ShouldBe(8746.6m);
        first.Volume24hUsd.ShouldBe(1_380_000m);
        first.PercentChange24h.ShouldBe(7.83m);
        first.ObservedAt.ShouldBe(new DateTimeOffset(2020, 1, 14, 0, 0, 0, TimeSpan.Zero));
        records[1].Fields!.Volume24hUsd.ShouldBe(610_660m);
        records[1].Fields!.PercentChange24h.ShouldBe(-0.93m);
        records[2].Fields!.Volume24hUsd.ShouldBeNull();
        records[0].Raw.Json.ShouldBe("{\"Date\":\"Jan 14, 2020\",\"Price\":\"8,746.6\",\"Open\":\"8,111.2\",\"High\":\"8,848.4\",\"Low\":\"8,111.2\",\"Vol.\":\"1.38M\",\"Change %\":\"7.83%\"}");
        records[^1].CheckpointAfter!.Position.ShouldBe(bytes.Length);
        records[^1].CheckpointAfter!.Rows.ShouldBe(3);
    }

    [Fact]
    public async Task Read_WhenPerCoinExports_TakesTheTickerFromEachFileNameAndHashesItIn()
    {
        using var folder = new TempCsvFolder();
        const string Text = "snapped_at,price,market_cap,total_volume\n2013-04-28 00:00:00 UTC,135.3,1500517590,0\n";
        folder.Write("btc-usd-max.csv", Text);
        folder.Write("coingecko_eth-usd-max.csv", Text);

        var records = (await CsvSourceHarness.ReadAsync(folder.Path)).Records();

        records.Count.ShouldBe(2);
        records.Select(r => r.Fields!.Symbol).ShouldBe(["btc", "eth"]);
        records.ShouldAllBe(r => r.Problems.Count == 0 && r.Fields!.Name == null && r.Fields.SourceAssetId == null && r.SourceRecordId == null);
        records[0].Raw.Json.ShouldBe(records[1].Raw.Json);
        records[0].Raw.ContentHash.ToArray().ShouldNotBe(records[1].Raw.ContentHash.ToArray());
        records[0].Fields!.PriceUsd.ShouldBe(135.3m);
        records[0].Fields!.MarketCapUsd.ShouldBe(1_500_517_590m);
        records[0].Fields!.Volume24hUsd.ShouldBe(0m);
        records[0].Fields!.ObservedAt.ShouldBe(new DateTimeOffset(2013, 4, 28, 0, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task Read_WhenNoSymbolColumnAndNoTickerInTheFileName_RejectsEveryRowWithTheReason()
    {
        using var folder = new TempCsvFolder();
        var path = folder.Write("prices.csv", "date,price\n2024-01-01,1\n2024-01-02,2\n");

        var records = (await CsvSourceHarness.ReadAsync(path)).Records();

        records.Count.ShouldBe(2);
        records.ShouldAllBe(r => r.Fields!.Symbol == null);
        records.ShouldAllBe(r => r.Problems.Single() == "the file has no symbol column and its name 'prices.csv' names no ticker (as btc-usd-max.csv does)");
    }

    [Fact]
    public async Task Read_KeepsEveryColumnInTheRawJsonAndMapsTheIdColumn()
    {
        using var folder = new TempCsvFolder();
        var path = folder.Write(
            "snapshot.csv",
            ",24h_volume_usd,id,last_updated,market_cap_usd,max_supply,name,percent_change_24h,price_usd,symbol,rank\n"
            + "0,22081300000,bitcoin,1515230661,284909052105,21000000.0,Bitcoin,5.76,16973.8,BTC,1\n"
            + "1,,bitcoin-gold,1515230641,,,Bitcoin Gold,,1e-08,BTG,2\n");

        var records = (await CsvSourceHarness.ReadAsync(path)).Records();

        records.Count.ShouldBe(2);
        records[0].Raw.Json.ShouldBe(
            "{\"_col0\":\"0\",\"24h_volume_usd\":\"22081300000\",\"id\":\"bitcoin\",\"last_updated\":\"1515230661\",\"market_cap_usd\":\"284909052105\","
            + "\"max_supply\":\"21000000.0\",\"name\":\"Bitcoin\",\"percent_change_24h\":\"5.76\",\"price_usd\":\"16973.8\",\"symbol\":\"BTC\",\"rank\":\"1\"}");
        records[0].SourceRecordId.ShouldBe("bitcoin");
        var bitcoin = records[0].Fields!;
        bitcoin.SourceAssetId.ShouldBe("bitcoin");
        bitcoin.Symbol.ShouldBe("BTC");
        bitcoin.Name.ShouldBe("Bitcoin");
        bitcoin.PriceUsd.ShouldBe(16973.8m);
        bitcoin.MarketCapUsd.ShouldBe(284_909_052_105m);
        bitcoin.Volume24hUsd.ShouldBe(22_081_300_000m);
        bitcoin.PercentChange24h.ShouldBe(5.76m);
        bitcoin.ObservedAt.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(1515230661));
        var gold = records[1];
        gold.Problems.ShouldBeEmpty();
        gold.Fields!.MarketCapUsd.ShouldBeNull();
        gold.Fields.Volume24hUsd.ShouldBeNull();
        gold.Fields.PercentChange24h.ShouldBeNull();
        gold.Fields.PriceUsd.ShouldBe(0.00000001m);
    }

    [Fact]
    public async Task Read_FillsProvenanceFromTheRunClockAndTheFile()
    {
        using var folder = new TempCsvFolder();
        var path = folder.Write("coins.csv", "Symbol,Name,Close,Date\nBTC,Bitcoin,144.54,2013-04-29 23:59:59\n");
        var lastWrite = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, lastWrite);

        var record = (await CsvSourceHarness.ReadAsync(path)).Records().Single();

        record.Stream.ShouldBe(Path.GetFullPath(path));
        record.Raw.FetchedAt.ShouldBe(CsvSourceHarness.Now);
        record.Raw.Bytes.ShouldBeNull();
        record.Raw.ContentHash.Length.ShouldBe(32);
        record.Fields!.SourceUpdatedAt.ShouldBe(new DateTimeOffset(lastWrite));
        record.Fields.ObservedAt.ShouldBe(new DateTimeOffset(2013, 4, 29, 23, 59, 59, TimeSpan.Zero));
        record.Fields.SourceAssetId.ShouldBeNull();
        record.CheckpointAfter!.Source.ShouldBe("csv");
    }

    [Fact]
    public async Task Read_WhenTheFileHasNoTimestampColumn_ObservesEveryRowAtItsLastWriteTime()
    {
        using var folder = new TempCsvFolder();
        var path = folder.Write("screener.csv", "Symbol,Price\nBTC,\"64,685.92\"\nETH,N/A\n");
        var lastWrite = new DateTime(2024, 3, 5, 18, 30, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, lastWrite);

        var records = (await CsvSourceHarness.ReadAsync(path)).Records();

        records.Select(r => r.Fields!.ObservedAt).ShouldBe([new DateTimeOffset(lastWrite), new DateTimeOffset(lastWrite)]);
        records[0].Fields!.PriceUsd.ShouldBe(64_685.92m);
        records[1].Fields!.PriceUsd.ShouldBeNull();
        records[1].Problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task Read_WhenAValueIsAmbiguous_ReportsColumnAndValueAndKeepsTheOtherFields()
    {
        using var folder = new TempCsvFolder();
        var path = folder.Write("coins.csv", "symbol,price,market_cap,date\nBTC,87000,\"1,5\",2024-01-01\nETH,2000,,garbage\n");

        var records = (await CsvSourceHarness.ReadAsync(path)).Records();

        records[0].Problems.ShouldBe(["market_cap '1,5' is ambiguous: ',' is not followed by groups of three digits, so it may be a decimal comma"]);
        records[0].Fields!.PriceUsd.ShouldBe(87000m);
        records[0].Fields!.MarketCapUsd.ShouldBeNull();
        records[1].Problems.ShouldBe(["date 'garbage' is not a timestamp (expected ISO-8601, Unix seconds or milliseconds, 'Jan 14, 2020' or a day-month-year date)"]);
        records[1].Fields!.ObservedAt.ShouldBeNull();
    }

    [Fact]
    public async Task Read_WhenTheTimestampIsEmpty_LeavesItMissingForTheDataRules()
    {
        using var folder = new TempCsvFolder();
        var path = folder.Write("coins.csv", "symbol,price,date\nBTC,1,\n");

        var record = (await CsvSourceHarness.ReadAsync(path)).Records().Single();

        record.Problems.ShouldBeEmpty();
        record.Fields!.ObservedAt.ShouldBeNull();
    }

    [Fact]
    public async Task Read_WhenARowHasAnotherFieldCount_RejectsItAndLoadsItsNeighbours()
    {
        using var folder = new TempCsvFolder();
        var path = folder.Write("coins.csv", "symbol,price,date\nBTC,1,2024-01-01\nETH,2,2024-01-01,surplus\nSOL\nXRP,4,2024-01-01\n");

        var records = (await CsvSourceHarness.ReadAsync(path)).Records();

        records.Count.ShouldBe(4);
        records[0].Problems.ShouldBeEmpty();
        records[1].Problems.ShouldBe(["row has 4 fields, header has 3"]);
        records[1].Fields.ShouldBeNull();
        records[1].Raw.Json.ShouldBe("{\"symbol\":\"ETH\",\"price\":\"2\",\"date\":\"2024-01-01\",\"_col3\":\"surplus\"}");
        records[2].Problems.ShouldBe(["row has 1 fields, header has 3"]);
        records[3].Problems.ShouldBeEmpty();
        records[3].Fields!.PriceUsd.ShouldBe(4m);
    }

    [Fact]
    public async Task Read_WhenARowIsNotValidUtf8_RejectsItWithItsOriginalBytesAndLoadsItsNeighbours()
    {
        using var folder = new TempCsvFolder();
        byte[] badRow = [.. "ETH,"u8, 0xFF, 0xC3, .. "2,2024-01-01"u8];
        var file = new CsvBytes().Header("symbol,price,date").Row("BTC,1,2024-01-01").Row(badRow).Row("SOL,3,2024-01-01");
        var path = folder.Write("coins.csv", file.ToArray());

        var records = (await CsvSourceHarness.ReadAsync(path)).Records();

        records.Count.ShouldBe(3);
        records[1].Problems.ShouldBe(["row is not valid UTF-8"]);
        records[1].Fields.ShouldBeNull();
        records[1].Raw.Bytes!.Value.ToArray().ShouldBe(badRow);
        records[1].Raw.Json!.ShouldContain("\uFFFD");
        records[0].Problems.ShouldBeEmpty();
        records[2].Problems.ShouldBeEmpty();
        records[2].Fields!.Symbol.ShouldBe("SOL");
        records[^1].CheckpointAfter!.Position.ShouldBe(file.Length);
    }

    [Fact]
    public async Task Read_WhenTheFileIsUtf16_RefusesItOnceAsAWhole()
    {
        using var folder = new TempCsvFolder();
        byte[] bytes = [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("symbol,price,date\nBTC,1,2024-01-01\n")];
        var path = folder.Write("wide.csv", bytes);

        var first = await CsvSourceHarness.ReadAsync(path);
        var second = await CsvSourceHarness.ReadAsync(path, CsvSourceHarness.Commit(first));

        var refusal = first.Records().Single();
        refusal.Problems.ShouldBe(["the file is UTF-16 (by its byte order mark); CSV files are read as UTF-8"]);
        refusal.Raw.Bytes!.Value.ToArray().ShouldBe(bytes);
        refusal.CheckpointAfter!.Position.ShouldBe(bytes.Length);
        second.ShouldHaveSingleItem().ShouldBeOfType<SourceSkipped>();
    }

    [Fact]
    public async Task Read_WhenAFolder_ReadsItsCsvFilesInOrdinalNameOrderAndNothingElse()
    {
        using var folder = new TempCsvFolder();
        const string Text = "symbol,price,date\nBTC,1,2024-01-01\n";
        var b = folder.Write("b.csv", Text);
        var upperZ = folder.Write("Z.csv", Text);
        var c = folder.Write("c.CSV", Text);
        var a = folder.Write("a.csv", Text);
        folder.Write("notes.txt", Text);
        Directory.CreateDirectory(Path.Combine(folder.Path, "nested"));
        folder.Write(Path.Combine("nested", "0.csv"), Text);

        var items = await CsvSourceHarness.ReadAsync(folder.Path);

        items.Select(i => i.Stream).ShouldBe([upperZ, a, b, c]);
    }

    [Fact]
    public async Task Read_WhenTheFolderHasNoCsvFile_YieldsNothing()
    {
        using var folder = new TempCsvFolder();

        (await CsvSourceHarness.ReadAsync(folder.Path)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Read_WhenThePathDoesNotExist_FailsWithAMessageNamingIt()
    {
        using var folder = new TempCsvFolder();
        var missing = Path.Combine(folder.Path, "nowhere");

        var failure = await Should.ThrowAsync<FileNotFoundException>(() => CsvSourceHarness.ReadAsync(missing));

        failure.Message.ShouldContain($"CSV path '{missing}' is neither a file nor a folder");
    }

    [Fact]
    public async Task Read_WhenTheRunOverridesThePath_ReadsTheOverride()
    {
        using var folder = new TempCsvFolder();
        var path = folder.Write("eth-usd-max.csv", "snapped_at,price\n2015-08-07 00:00:00 UTC,2.83162\n");

        var items = await CsvSourceHarness.ReadAsync(Path.Combine(folder.Path, "configured-but-missing"), csvPathOverride: path);

        items.Records().Single().Fields!.Symbol.ShouldBe("eth");
    }

    [Fact]
    public void AddCsvSource_RegistersTheCsvSourceOnce()
    {
        var services = new ServiceCollection().AddCsvSource("data/");
        using var provider = services.BuildServiceProvider();

        var source = provider.GetServices<IIngestionSource>().ShouldHaveSingleItem();

        source.ShouldBeOfType<CsvIngestionSource>().Name.ShouldBe("csv");
        provider.GetService<IIngestionSource>().ShouldBeSameAs(source);
    }
}
