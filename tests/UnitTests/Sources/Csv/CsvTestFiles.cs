using System.Text;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Ingestion;
using Kasparro.Infrastructure.Sources.Csv;
using Microsoft.Extensions.Time.Testing;

namespace Kasparro.UnitTests.Sources.Csv;

/// <summary>Runs the CSV source the way the ingestion runner does, and commits its checkpoints the way the store does.</summary>
internal static class CsvSourceHarness
{
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    public static async Task<List<SourceItem>> ReadAsync(
        string path, Dictionary<string, Checkpoint>? committed = null, string? csvPathOverride = null, IIngestionProgress? progress = null)
    {
        var source = new CsvIngestionSource(new CsvSourceOptions { Path = path }, new FakeTimeProvider(Now));
        var context = new SourceReadContext(Guid.NewGuid(), committed ?? [], new SourceOverrides(csvPathOverride)) { Progress = progress ?? NoIngestionProgress.Instance };
        var items = new List<SourceItem>();
        await foreach (var item in source.ReadAsync(context, CancellationToken.None))
        {
            // As the runner would for a record that ends a batch: every row's checkpoint, before reading on.
            items.Add(item is SourceRecord record ? record with { CheckpointAfter = record.ReachedCheckpoint(), CheckpointOnDemand = null } : item);
        }

        return items;
    }

    /// <summary>Commits every checkpoint of <paramref name="items"/>; moving a checkpoint back throws, as in the store.</summary>
    public static Dictionary<string, Checkpoint> Commit(IEnumerable<SourceItem> items, Dictionary<string, Checkpoint>? committed = null)
    {
        committed ??= [];
        foreach (var item in items)
        {
            var checkpoint = item switch
            {
                SourceRecord record => record.CheckpointAfter,
                SourceCheckpoint reached => reached.Checkpoint,
                _ => null,
            };

            if (checkpoint is not null)
            {
                committed[checkpoint.Stream] = committed.TryGetValue(checkpoint.Stream, out var stored) ? stored.Advance(checkpoint) : checkpoint;
            }
        }

        return committed;
    }

    public static List<SourceRecord> Records(this IEnumerable<SourceItem> items) => items.OfType<SourceRecord>().ToList();
}

/// <summary>Builds a CSV file byte by byte and remembers where each data row ends and on which line it starts.</summary>
internal sealed class CsvBytes
{
    private readonly List<byte> bytes = [];
    private int lines;

    public List<(long End, int Line)> Rows { get; } = [];

    public int Length => bytes.Count;

    public CsvBytes Bom()
    {
        bytes.AddRange([0xEF, 0xBB, 0xBF]);
        return this;
    }

    public CsvBytes Header(string header, string lineBreak = "\n") => Line(Encoding.UTF8.GetBytes(header), lineBreak, isRow: false);

    public CsvBytes Row(string row, string lineBreak = "\n") => Line(Encoding.UTF8.GetBytes(row), lineBreak, isRow: true);

    public CsvBytes Row(byte[] row, string lineBreak = "\n") => Line(row, lineBreak, isRow: true);

    /// <summary>Blank lines belong to the row before them: its checkpoint is past them.</summary>
    public CsvBytes Blank(string lineBreak = "\n")
    {
        bytes.AddRange(Encoding.ASCII.GetBytes(lineBreak));
        lines++;
        if (Rows.Count > 0)
        {
            Rows[^1] = (bytes.Count, Rows[^1].Line);
        }

        return this;
    }

    public byte[] ToArray() => [.. bytes];

    private CsvBytes Line(byte[] line, string lineBreak, bool isRow)
    {
        var startLine = lines + 1;
        bytes.AddRange(line);
        bytes.AddRange(Encoding.ASCII.GetBytes(lineBreak));
        lines += CountLineBreaks(line) + (lineBreak.Length > 0 ? 1 : 0);
        if (isRow)
        {
            Rows.Add((bytes.Count, startLine));
        }

        return this;
    }

    private static int CountLineBreaks(byte[] line)
    {
        var text = Encoding.Latin1.GetString(line);
        return text.Replace("\r\n", "\n", StringComparison.Ordinal).Count(c => c is '\n' or '\r');
    }
}
