using System.Globalization;
using System.Text;
using Kasparro.Application.Ingestion.Ports;

namespace Kasparro.UnitTests.Sources.Csv;

/// <summary>The CSV source reports the bytes it has read of its files' length.</summary>
public sealed class CsvReadProgressTests
{
    private readonly RecordingProgress _progress = new();

    /// <summary>A file of several of the reader's 128 KiB blocks.</summary>
    private static string Prices(int rows)
    {
        var text = new StringBuilder("symbol,name,price,timestamp\n");
        for (var i = 0; i < rows; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"BTC,Bitcoin,{87_000 + i}.5,{new DateTime(2020, 1, 1).AddMinutes(i):yyyy-MM-ddTHH:mm:ssZ}\n");
        }

        return text.ToString();
    }

    [Fact]
    public async Task Read_ReportsTheBytesReadOfTheFilesLength_AsItGoes()
    {
        using var folder = new TempCsvFolder();
        var path = folder.Write("prices.csv", Prices(10_000));
        var length = new FileInfo(path).Length;

        var records = (await CsvSourceHarness.ReadAsync(path, progress: _progress)).Records();

        records.Count.ShouldBe(10_000);
        var reports = _progress.Reports;
        reports.ShouldAllBe(r => r.Source == "csv" && r.Total == length && r.Unit == ProgressUnit.Bytes);
        reports.Select(r => r.RunId).Distinct().ShouldHaveSingleItem();
        reports[0].Done.ShouldBe(0);
        reports[^1].Done.ShouldBe(length);
        reports.Select(r => r.Done).ShouldBeInOrder(SortDirection.Ascending);
        reports.Count(r => r.Done > 0 && r.Done < length).ShouldBeGreaterThanOrEqualTo(2, "a file of several blocks is reported block by block");
    }

    [Fact]
    public async Task Read_OfAFolder_CountsEachFileAgainstTheirSum()
    {
        using var folder = new TempCsvFolder();
        var first = new FileInfo(folder.Write("a.csv", Prices(3_000))).Length;
        var second = new FileInfo(folder.Write("b.csv", Prices(5_000))).Length;

        await CsvSourceHarness.ReadAsync(folder.Path, progress: _progress);

        var reports = _progress.Reports;
        reports.ShouldAllBe(r => r.Total == first + second);
        reports.Select(r => r.Done).ShouldBeInOrder(SortDirection.Ascending);
        reports.ShouldContain(r => r.Done == first, "the first file ends where the second begins");
        reports.ShouldContain(r => r.Done > first && r.Done < first + second);
        reports[^1].Done.ShouldBe(first + second);
    }

    [Fact]
    public async Task Read_OfAnUnchangedFile_CountsItAsRead()
    {
        using var folder = new TempCsvFolder();
        var path = folder.Write("prices.csv", Prices(100));
        var length = new FileInfo(path).Length;
        var committed = CsvSourceHarness.Commit(await CsvSourceHarness.ReadAsync(path));

        var items = await CsvSourceHarness.ReadAsync(path, committed, progress: _progress);

        items.ShouldHaveSingleItem().ShouldBeOfType<SourceSkipped>();
        _progress.Reports.Select(r => (r.Done, r.Total)).ShouldBe([(0, length), (length, length)]);
    }

    [Fact]
    public async Task Read_OfAnAppendedFile_EndsAtItsNewLength()
    {
        using var folder = new TempCsvFolder();
        var path = folder.Write("prices.csv", Prices(100));
        var committed = CsvSourceHarness.Commit(await CsvSourceHarness.ReadAsync(path));
        await File.AppendAllTextAsync(path, "ETH,Ethereum,3000.5,2021-01-01T00:00:00Z\n");
        var length = new FileInfo(path).Length;

        var records = (await CsvSourceHarness.ReadAsync(path, committed, progress: _progress)).Records();

        records.ShouldHaveSingleItem();
        _progress.Reports.ShouldAllBe(r => r.Total == length);
        _progress.Reports[^1].Done.ShouldBe(length);
    }
}
