using System.Text;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Infrastructure.Sources.Csv;

namespace Kasparro.UnitTests.Sources.Csv;

/// <summary>A run never stops for a bad record: no value, however mangled, makes the readers throw.</summary>
public sealed class CsvRobustnessTests
{
    private const string Alphabet = "0123456789012345678901234567890123456789.,-+$%eEKMBTUSDZ :/T\"\r\n…é";

    [Fact]
    public void CleanerAndTimestampParser_WhenGivenMangledValues_ReportProblemsInsteadOfThrowing()
    {
        var random = new Random(20261122);
        var conventions = new CsvFileConventions();
        for (var i = 0; i < 50_000; i++)
        {
            var text = RandomText(random, random.Next(0, 40));

            Should.NotThrow(() =>
            {
                AssertConsistent(CsvValueCleaner.Money(text, "price", conventions));
                AssertConsistent(CsvValueCleaner.Percent(text, "change", conventions));
                var parsed = CsvTimestampParser.TryParse(text, "date", conventions, out var value, out var problem);
                (parsed ? value.Offset == TimeSpan.Zero && problem is null : problem is not null).ShouldBeTrue(text);
            });
        }
    }

    [Fact]
    public async Task Read_WhenRowsAreRandomBytes_YieldsEveryRowAndEndsAtTheFileLength()
    {
        using var folder = new TempCsvFolder();
        var random = new Random(7);
        var bytes = new List<byte>(Encoding.ASCII.GetBytes("symbol,price,market_cap,date\n"));
        for (var row = 0; row < 2_000; row++)
        {
            var line = new byte[random.Next(0, 60)];
            random.NextBytes(line);
            bytes.AddRange(line.Select(b => b is (byte)'"' ? (byte)'x' : b));
            bytes.Add((byte)'\n');
        }

        var path = folder.Write("btc-usd-noise.csv", [.. bytes]);

        var items = await CsvSourceHarness.ReadAsync(path);

        var last = items[^1] switch
        {
            SourceRecord record => record.CheckpointAfter!,
            SourceCheckpoint reached => reached.Checkpoint,
            _ => throw new InvalidOperationException("the read ends with a checkpoint"),
        };
        last.Position.ShouldBe(bytes.Count);
        items.Records().Count.ShouldBeGreaterThan(1_500);
    }

    private static void AssertConsistent(CleanedValue cleaned) => (cleaned.Value is null || cleaned.Problem is null).ShouldBeTrue();

    private static string RandomText(Random random, int length)
    {
        var text = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            text.Append(Alphabet[random.Next(Alphabet.Length)]);
        }

        return text.ToString();
    }
}
