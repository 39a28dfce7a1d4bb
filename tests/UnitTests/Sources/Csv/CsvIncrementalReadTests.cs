using System.Globalization;
using System.Text;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Ingestion;

namespace Kasparro.UnitTests.Sources.Csv;

public sealed class CsvIncrementalReadTests
{
    public static TheoryData<string> Layouts => ["lf", "bom-crlf-quoted-no-final-newline", "multi-line-quoted", "blank-lines", "blank-lines-before-header", "invalid-utf8", "lone-cr", "multibyte"];

    [Theory]
    [MemberData(nameof(Layouts))]
    public async Task Read_GivesEveryRowTheExactOffsetPastItsLineBreak_AndTheLastOneTheFileLength(string layout)
    {
        using var folder = new TempCsvFolder();
        var file = Layout(layout);
        var path = folder.Write("coins.csv", file.ToArray());

        var records = (await CsvSourceHarness.ReadAsync(path)).Records();

        records.Select(r => r.CheckpointAfter!.Position).ShouldBe(file.Rows.Select(r => r.End));
        records.Select(r => r.Reference).ShouldBe(file.Rows.Select(r => $"coins.csv:{r.Line}"));
        records.Select(r => r.CheckpointAfter!.Rows).ShouldBe(Enumerable.Range(1, file.Rows.Count).Select(n => (long)n));
        records[^1].CheckpointAfter!.Position.ShouldBe(new FileInfo(path).Length);
    }

    [Fact]
    public async Task Read_WhenFileUnchanged_SkipsWithoutParsing()
    {
        using var folder = new TempCsvFolder();
        var path = folder.Write("btc-usd-max.csv", LargeFile(rows: 4000));
        var lastWrite = File.GetLastWriteTimeUtc(path);
        var committed = CsvSourceHarness.Commit(await CsvSourceHarness.ReadAsync(path));

        // Corrupt a row between the fingerprinted head (64 KiB) and anchor (last 4 KiB), keeping length and time:
        // a parse would reject it, a skip cannot see it.
        var bytes = File.ReadAllBytes(path);
        var corrupted = Array.IndexOf(bytes, (byte)'\n', 80_000) + 1;
        "XXXX"u8.CopyTo(bytes.AsSpan(corrupted + 24));
        File.WriteAllBytes(path, bytes);
        File.SetLastWriteTimeUtc(path, lastWrite);

        var second = await CsvSourceHarness.ReadAsync(path, committed);

        second.ShouldHaveSingleItem().ShouldBe(new SourceSkipped(Path.GetFullPath(path), 4000, "file unchanged since last run"));
        (await CsvSourceHarness.ReadAsync(path)).Records().ShouldContain(r => r.Problems.Count > 0);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(1_500)]
    [InlineData(3_000)]
    public async Task Read_WhenRowsAppended_ReadsOnlyTheNewRowsAndContinuesTheRowCount(int initialRows)
    {
        using var folder = new TempCsvFolder();
        var path = folder.Write("btc-usd-max.csv", LargeFile(initialRows));
        var first = await CsvSourceHarness.ReadAsync(path);
        var committed = CsvSourceHarness.Commit(first);
        var firstEnd = committed[Path.GetFullPath(path)];

        File.AppendAllText(path, Rows(initialRows, 1_500));
        var second = await CsvSourceHarness.ReadAsync(path, committed);

        var appended = second.Records();
        appended.Count.ShouldBe(1_500);
        appended[0].Raw.Json.ShouldBe(RowJson(initialRows));
        appended[0].Reference.ShouldBe($"btc-usd-max.csv:{initialRows + 2}");
        appended[0].CheckpointAfter!.Rows.ShouldBe(initialRows + 1);
        appended.ShouldAllBe(r => r.CheckpointAfter!.Generation == firstEnd.Generation);
        appended[^1].CheckpointAfter!.Rows.ShouldBe(initialRows + 1_500);
        appended[^1].CheckpointAfter!.Position.ShouldBe(new FileInfo(path).Length);
        CsvSourceHarness.Commit(second, committed);

        // The checkpoint built on the appended read is the one a full read of the file ends with.
        var fullRead = (await CsvSourceHarness.ReadAsync(path)).Records();
        appended[^1].CheckpointAfter.ShouldBe(fullRead[^1].CheckpointAfter);
    }

    [Fact]
    public async Task Read_WhenResumedAfterACommittedRow_YieldsExactlyTheRowsAfterIt()
    {
        using var folder = new TempCsvFolder();
        var path = folder.Write("btc-usd-max.csv", LargeFile(3_000));
        var everything = (await CsvSourceHarness.ReadAsync(path)).Records();
        var committed = CsvSourceHarness.Commit(everything.Take(1_234));

        var rest = (await CsvSourceHarness.ReadAsync(path, committed)).Records();

        rest.Count.ShouldBe(3_000 - 1_234);
        rest.Select(r => (r.Reference, r.Raw.Json, r.CheckpointAfter)).ShouldBe(everything.Skip(1_234).Select(r => (r.Reference, r.Raw.Json, r.CheckpointAfter)));
    }

    [Fact]
    public async Task Read_WhenFileRewritten_StartsANewGenerationFromTheStart()
    {
        using var folder = new TempCsvFolder();
        var path = folder.Write("coins.csv", "symbol,price,date\nBTC,1,2024-01-01\nETH,2,2024-01-01\n");
        var committed = CsvSourceHarness.Commit(await CsvSourceHarness.ReadAsync(path));

        File.WriteAllText(path, "symbol,price,date\nBTC,9,2024-01-01\nETH,2,2024-01-01\nSOL,3,2024-01-01\n");
        var second = await CsvSourceHarness.ReadAsync(path, committed);

        var records = second.Records();
        records.Select(r => r.Fields!.Symbol).ShouldBe(["BTC", "ETH", "SOL"]);
        records.ShouldAllBe(r => r.CheckpointAfter!.Generation == 1);
        records.Select(r => r.CheckpointAfter!.Rows).ShouldBe([1L, 2L, 3L]);
        records[0].Reference.ShouldBe("coins.csv:2");
        Should.NotThrow(() => CsvSourceHarness.Commit(second, committed));
    }

    [Fact]
    public async Task Read_WhenFileShrank_StartsANewGenerationFromTheStart()
    {
        using var folder = new TempCsvFolder();
        var path = folder.Write("coins.csv", "symbol,price,date\nBTC,1,2024-01-01\nETH,2,2024-01-01\n");
        var committed = CsvSourceHarness.Commit(await CsvSourceHarness.ReadAsync(path));

        File.WriteAllText(path, "symbol,price,date\nBTC,1,2024-01-01\n");
        var records = (await CsvSourceHarness.ReadAsync(path, committed)).Records();

        records.ShouldHaveSingleItem().CheckpointAfter!.Generation.ShouldBe(1);
    }

    [Fact]
    public async Task Read_WhenTheUnterminatedLastRowWasExtended_ReadsTheFileAgainAsANewGeneration()
    {
        using var folder = new TempCsvFolder();
        var path = folder.Write("coins.csv", "symbol,date,price\nBTC,2024-01-01,1\nETH,2024-01-01,2");
        var committed = CsvSourceHarness.Commit(await CsvSourceHarness.ReadAsync(path));

        File.AppendAllText(path, "5\nSOL,2024-01-02,3\n");
        var records = (await CsvSourceHarness.ReadAsync(path, committed)).Records();

        records.Select(r => r.Fields!.PriceUsd).ShouldBe([1m, 25m, 3m]);
        records.ShouldAllBe(r => r.CheckpointAfter!.Generation == 1);
    }

    [Fact]
    public async Task Read_WhenTheAppendEndsTheUnterminatedLastRowFirst_ReadsOnlyTheNewRow()
    {
        using var folder = new TempCsvFolder();
        var path = folder.Write("coins.csv", "symbol,date,price\r\nBTC,2024-01-01,1\r\nETH,2024-01-01,2");
        var committed = CsvSourceHarness.Commit(await CsvSourceHarness.ReadAsync(path));

        File.AppendAllText(path, "\r\nSOL,2024-01-02,3");
        var record = (await CsvSourceHarness.ReadAsync(path, committed)).Records().ShouldHaveSingleItem();

        record.Fields!.Symbol.ShouldBe("SOL");
        record.Reference.ShouldBe("coins.csv:4");
        record.CheckpointAfter!.Generation.ShouldBe(0);
        record.CheckpointAfter.Rows.ShouldBe(3);
        record.CheckpointAfter.Position.ShouldBe(new FileInfo(path).Length);
    }

    [Fact]
    public async Task Read_WhenTheAppendChangesTheUnterminatedHeader_ReadsTheFileAgainAsANewGeneration()
    {
        using var folder = new TempCsvFolder();
        var path = folder.Write("btc-usd-max.csv", "snapped_at,price");
        var committed = CsvSourceHarness.Commit(await CsvSourceHarness.ReadAsync(path));

        File.AppendAllText(path, ",market_cap\n2024-01-01,1,100\n");
        var record = (await CsvSourceHarness.ReadAsync(path, committed)).Records().ShouldHaveSingleItem();

        record.Fields!.MarketCapUsd.ShouldBe(100m);
        record.CheckpointAfter!.Generation.ShouldBe(1);
    }

    [Fact]
    public async Task Read_WhenAHeaderLongerThanTheFingerprintedHeadChangedAndRowsWereAppended_ReadsTheFileAgain()
    {
        using var folder = new TempCsvFolder();
        var extras = Enumerable.Range(0, 7_000).Select(i => $"extra_{i:0000}").ToList();
        var padding = new string(',', extras.Count);
        var path = folder.Write("coins.csv", $"symbol,price,date,{string.Join(',', extras)}\nBTC,1,2024-01-01{padding}\n");
        var committed = CsvSourceHarness.Commit(await CsvSourceHarness.ReadAsync(path));

        var bytes = File.ReadAllBytes(path);
        var renamed = Encoding.ASCII.GetString(bytes).IndexOf("extra_6999", StringComparison.Ordinal);
        renamed.ShouldBeGreaterThan(70_000);
        "renamed_99"u8.CopyTo(bytes.AsSpan(renamed));
        File.WriteAllBytes(path, bytes);
        File.AppendAllText(path, $"ETH,2,2024-01-01{padding}\n");
        var records = (await CsvSourceHarness.ReadAsync(path, committed)).Records();

        records.Select(r => r.Fields!.Symbol).ShouldBe(["BTC", "ETH"]);
        records.ShouldAllBe(r => r.CheckpointAfter!.Generation == 1);
        records[0].Raw.Json!.ShouldContain("\"renamed_99\":\"\"");
    }

    [Fact]
    public async Task Read_WhenOnlyAHeader_CheckpointsItsEndThenSkipsThenReadsAppendedRows()
    {
        using var folder = new TempCsvFolder();
        var path = folder.Write("coins.csv", "symbol,price,date\n");

        var first = await CsvSourceHarness.ReadAsync(path);
        var reached = first.ShouldHaveSingleItem().ShouldBeOfType<SourceCheckpoint>();
        reached.Checkpoint.Position.ShouldBe(18);
        reached.Checkpoint.Rows.ShouldBe(0);
        var committed = CsvSourceHarness.Commit(first);

        var second = await CsvSourceHarness.ReadAsync(path, committed);
        second.ShouldHaveSingleItem().ShouldBe(new SourceSkipped(Path.GetFullPath(path), 0, "file unchanged since last run"));

        File.AppendAllText(path, "BTC,1,2024-01-01\n");
        var third = (await CsvSourceHarness.ReadAsync(path, committed)).Records().ShouldHaveSingleItem();
        third.Reference.ShouldBe("coins.csv:2");
        third.CheckpointAfter!.Rows.ShouldBe(1);
    }

    [Fact]
    public async Task Read_WhenTheFileIsEmpty_CheckpointsByteZeroThenSkipsIt()
    {
        using var folder = new TempCsvFolder();
        var path = folder.Write("empty.csv", string.Empty);

        var first = await CsvSourceHarness.ReadAsync(path);
        var second = await CsvSourceHarness.ReadAsync(path, CsvSourceHarness.Commit(first));

        first.ShouldHaveSingleItem().ShouldBeOfType<SourceCheckpoint>().Checkpoint.Position.ShouldBe(0);
        second.ShouldHaveSingleItem().ShouldBeOfType<SourceSkipped>().Count.ShouldBe(0);
    }

    [Fact]
    public async Task Read_WhenAppendedAfterTheFileProvedDayFirst_ReadsTheNewAmbiguousDatesDayFirst()
    {
        using var folder = new TempCsvFolder();
        var path = folder.Write("eth-usd-excel.csv", "Date,Close\r\n09/08/15 23:59,0.70\r\n13/08/15 23:59,1.83\r\n10/08/15 23:59,0.71\r\n");

        var first = (await CsvSourceHarness.ReadAsync(path)).Records();
        first[0].Problems.ShouldBeEmpty();
        first[0].Fields!.ObservedAt.ShouldBe(new DateTimeOffset(2015, 8, 9, 23, 59, 0, TimeSpan.Zero));
        first[1].Fields!.ObservedAt.ShouldBe(new DateTimeOffset(2015, 8, 13, 23, 59, 0, TimeSpan.Zero));
        first[2].Fields!.ObservedAt.ShouldBe(new DateTimeOffset(2015, 8, 10, 23, 59, 0, TimeSpan.Zero));
        var committed = CsvSourceHarness.Commit(first);

        File.AppendAllText(path, "11/08/15 23:59,0.72\r\n");
        var appended = (await CsvSourceHarness.ReadAsync(path, committed)).Records().ShouldHaveSingleItem();

        appended.Problems.ShouldBeEmpty();
        appended.Fields!.ObservedAt.ShouldBe(new DateTimeOffset(2015, 8, 11, 23, 59, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task Read_WhenNoRowProvesTheDateOrder_RejectsTheAmbiguousDatesAsUnreadable()
    {
        using var folder = new TempCsvFolder();
        var path = folder.Write("eth-usd-excel.csv", "Date,Close\r\n09/08/15 23:59,0.70\r\n10/08/15 23:59,0.71\r\n08/08/15 23:59,0.69\r\n");

        var records = (await CsvSourceHarness.ReadAsync(path)).Records();

        records[0].Problems.ShouldHaveSingleItem().ShouldContain("is an ambiguous date");
        records[0].Fields!.Unreadable.ShouldBe(QuoteFields.Timestamp);
        records[1].Problems.ShouldHaveSingleItem().ShouldContain("is an ambiguous date");
        records[2].Problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task Read_WhenSeveralFiles_KeepsOneCheckpointStreamPerFile()
    {
        using var folder = new TempCsvFolder();
        var btc = folder.Write("btc-usd-max.csv", LargeFile(5));
        var eth = folder.Write("eth-usd-max.csv", LargeFile(7));
        var committed = CsvSourceHarness.Commit(await CsvSourceHarness.ReadAsync(folder.Path));

        File.AppendAllText(eth, Rows(7, 2));
        var second = await CsvSourceHarness.ReadAsync(folder.Path, committed);

        second[0].ShouldBe(new SourceSkipped(btc, 5, "file unchanged since last run"));
        second.Skip(1).Records().Select(r => r.CheckpointAfter!.Rows).ShouldBe([8L, 9L]);
        second.Skip(1).ShouldAllBe(i => i.Stream == eth);
    }

    private static CsvBytes Layout(string layout) => layout switch
    {
        "lf" => new CsvBytes().Header("symbol,price,date").Row("BTC,1,2024-01-01").Row("ETH,2,2024-01-01"),
        "bom-crlf-quoted-no-final-newline" => new CsvBytes().Bom()
            .Header("\"symbol\",\"price\",\"date\"", "\r\n")
            .Row("\"BTC\",\"8,746.6\",\"Jan 14, 2020\"", "\r\n")
            .Row("\"ETH\",\"1\",\"Jan 13, 2020\"", string.Empty),
        "multi-line-quoted" => new CsvBytes()
            .Header("symbol,name,price,date", "\r\n")
            .Row("BTC,\"Bit\r\ncoin\",1,2024-01-01", "\r\n")
            .Row("ETH,\"a, \"\"b\"\"\nc\",2,2024-01-01", "\r\n")
            .Row("SOL,Solana,3,2024-01-01"),
        "blank-lines" => new CsvBytes()
            .Header("symbol,price,date").Blank()
            .Row("BTC,1,2024-01-01").Blank().Blank("\r\n").Blank("   \n")
            .Row("ETH,2,2024-01-01").Blank(),
        "blank-lines-before-header" => new CsvBytes().Blank().Blank("\r\n").Header("symbol,price,date").Row("BTC,1,2024-01-01"),
        "invalid-utf8" => new CsvBytes().Header("symbol,price,date")
            .Row([.. "BTC,"u8, 0xC3, 0x28, .. ",2024-01-01"u8])
            .Row([.. "ETH,2,2024-01-0"u8, 0xE2, 0x82], string.Empty),
        "lone-cr" => new CsvBytes().Header("symbol,price,date", "\r").Row("BTC,1,2024-01-01", "\r").Row("ETH,2,2024-01-01", "\r"),
        "multibyte" => new CsvBytes().Header("symbol,name,price,date").Row("BTC,Bitcoin ₿,1,2024-01-01").Row("GOZ,Göztepe 🐐,2,2024-01-01"),
        _ => throw new ArgumentOutOfRangeException(nameof(layout)),
    };

    /// <summary>A CoinGecko-style per-coin export of <paramref name="rows"/> rows, about 40 bytes each.</summary>
    private static string LargeFile(int rows) => "snapped_at,price,market_cap,total_volume\n" + Rows(0, rows);

    private static string Rows(int first, int count)
    {
        var text = new StringBuilder();
        for (var i = first; i < first + count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{Day(i):yyyy-MM-dd} 00:00:00 UTC,{100 + i}.25,{1_000_000 + i},{i}\n");
        }

        return text.ToString();
    }

    private static string RowJson(int i) =>
        string.Create(CultureInfo.InvariantCulture, $"{{\"snapped_at\":\"{Day(i):yyyy-MM-dd} 00:00:00 UTC\",\"price\":\"{100 + i}.25\",\"market_cap\":\"{1_000_000 + i}\",\"total_volume\":\"{i}\"}}");

    private static DateTime Day(int i) => new DateTime(2013, 4, 28, 0, 0, 0, DateTimeKind.Utc).AddDays(i);
}
