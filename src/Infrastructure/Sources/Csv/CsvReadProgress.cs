using Kasparro.Application.Ingestion.Ports;

namespace Kasparro.Infrastructure.Sources.Csv;

/// <summary>
/// How far the CSV source has read, in bytes: every file before the current one, plus the current file's read
/// position, of the files' lengths when the run listed them (a file that grows meanwhile is counted up to that
/// length). An unchanged file counts as read once it is skipped.
/// </summary>
internal sealed class CsvReadProgress
{
    private readonly string source;
    private readonly SourceReadContext context;
    private readonly long[] lengths;
    private readonly long total;
    private int current;
    private long before;

    public CsvReadProgress(string source, SourceReadContext context, IReadOnlyList<string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        this.source = source;
        this.context = context;
        lengths = [.. files.Select(f => new FileInfo(f).Length)];
        total = lengths.Sum();
        Report(0);
    }

    /// <summary>The current file has been read up to <paramref name="position"/>.</summary>
    public void ReadTo(long position) => Report(before + Math.Clamp(position, 0, lengths[current]));

    /// <summary>The current file is done; the next one starts.</summary>
    public void FileDone()
    {
        before += lengths[current++];
        Report(before);
    }

    private void Report(long done) => context.ReportRead(source, done, total, ProgressUnit.Bytes);
}
