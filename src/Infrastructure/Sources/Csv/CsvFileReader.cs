using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using CsvHelper;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Ingestion;
using Microsoft.Extensions.Logging;

namespace Kasparro.Infrastructure.Sources.Csv;

/// <summary>
/// Reads one CSV file incrementally (see <see cref="CsvReadPlan"/>) and yields its rows, each with the checkpoint
/// that is reached once it is committed.
/// <para>
/// Byte offsets: CsvHelper parses UTF-8 bytes and reports where each record starts (<see cref="CsvReader.ByteOffset"/>,
/// counted from where the stream started, a byte order mark included). A row's checkpoint offset is the start of
/// the next record (past the row's line break and any blank lines after it), or, for the last row, the number of
/// bytes the stream delivered; so a row is yielded once the next one has been read. The bytes reach the
/// <see cref="CsvFingerprinter"/> through <see cref="RecordingReadStream"/>: the file is read once.
/// </para>
/// </summary>
internal sealed partial class CsvFileReader(TimeProvider time, ILogger logger)
{
    private const string UnchangedReason = "file unchanged since last run";
    private const int RefusedFileBytesKept = 4 * 1024;
    private const int DateOrderProbeRows = 10_000;

    private static readonly CsvReaderOptions ReaderOptions = CsvReaderOptions.Default with
    {
        Separator = ',',
        Mode = CsvMode.Rfc4180,
        AllowLineBreaksInQuotes = true,
        SkipEmptyLines = true,
        TrimWhitespace = false,
        FieldCountMismatch = CsvFieldCountHandling.Allow,
        MalformedData = CsvMalformedDataHandling.Recover,
        MissingField = CsvMissingFieldHandling.ReturnEmpty,
        DetectSeparatorHint = false,
        TrackLineNumbers = false,
        BufferSize = 128 * 1024,

        // An unclosed quote would otherwise make the rest of the file one record held in memory.
        MaxRecordSize = 16 * 1024 * 1024,
    };

    /// <param name="readTo">Told the file position each time the rows are read further (bytes, from the file's start).</param>
    public async IAsyncEnumerable<SourceItem> ReadAsync(
        string path, IReadOnlyDictionary<string, Checkpoint> checkpoints, Action<long> readTo, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var fullPath = Path.GetFullPath(path);
        await using var file = new FileStream(fullPath, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.ReadWrite | FileShare.Delete,
            BufferSize = 0, // CsvHelper reads in 128 KiB blocks of its own.
            Options = FileOptions.SequentialScan | FileOptions.Asynchronous,
        });
        var csv = new CsvFile(
            fullPath, Path.GetFileName(fullPath), file.Length, new DateTimeOffset(File.GetLastWriteTimeUtc(file.SafeFileHandle), TimeSpan.Zero), time.GetUtcNow());
        checkpoints.TryGetValue(fullPath, out var stored);

        using var plan = await CsvReadPlan.DecideAsync(file, stored, csv.Length, cancellationToken);
        if (plan.Mode == CsvReadMode.Unchanged)
        {
            LogUnchanged(csv.Name, plan.Stored!.Rows);
            yield return new SourceSkipped(csv.Stream, plan.Stored.Rows, UnchangedReason);
            yield break;
        }

        var (read, header) = await ConfirmAppendAsync(file, csv, plan, cancellationToken);
        LogReading(csv.Name, read.Reason, read.Generation);
        var refusal = await RefuseOtherEncodingAsync(file, csv, read.Generation, cancellationToken);
        if (refusal is not null)
        {
            yield return refusal;
            yield break;
        }

        await foreach (var item in ReadRowsAsync(file, csv, read, header, readTo, cancellationToken))
        {
            yield return item;
        }
    }

    /// <summary>Reads from the plan's offset to the end, one row behind the reader (see the class summary).</summary>
    private static async IAsyncEnumerable<SourceItem> ReadRowsAsync(
        FileStream file, CsvFile csv, CsvReadPlan plan, IReadOnlyList<string>? header, Action<long> readTo, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var appended = plan.Mode == CsvReadMode.Appended;
        using var fingerprinter = appended ? plan.TakeFingerprinter() : CsvFingerprinter.AtStart();
        var start = fingerprinter.Position;
        var rows = appended ? plan.Stored!.Rows : 0;
        var conventions = appended ? new CsvFileConventions(plan.State!.DateOrder, plan.State.GroupsDigitsWithDots) : new CsvFileConventions();

        file.Position = start;
        await using var recording = new RecordingReadStream(file, fingerprinter, read => readTo(start + read));
        await using var reader = CsvReader.Create(recording, ReaderOptions with { HasHeader = header is null }, leaveOpen: true);
        header ??= await ReadHeaderAsync(reader, csv.Name, cancellationToken);

        var checkpointAt = new CsvFileState.Writer(csv.Stream, plan.Generation, csv.Length, csv.LastWriteUtc, header);
        var map = CsvColumnMap.Create(header);
        if (conventions.DateOrder == DateOrder.Unknown && map.Has(QuoteColumn.Timestamp))
        {
            var order = await ProbeDateOrderAsync(csv.Stream, start, skipHeader: !appended, map, cancellationToken);
            if (order is DateOrder.DayFirst or DateOrder.MonthFirst)
            {
                conventions.ProveDateOrder(order);
            }
        }

        using var mapper = new CsvRowMapper(map, csv.Name, csv.LastWriteUtc, csv.FetchedAt, conventions);
        CsvMappedRow? previous = null;
        while (await NextAsync(reader, csv.Name, cancellationToken))
        {
            if (IsBlank(reader))
            {
                continue;
            }

            fingerprinter.AdvanceTo(start + reader.ByteOffset);
            if (previous is not null)
            {
                // The fingerprint costs two hash finalizations and a state text: only the runner knows which row ends a
                // batch, so it asks for that row's checkpoint, before the next row moves the fingerprinter on.
                var rowsBefore = rows;
                yield return Complete(csv, previous, null) with { CheckpointOnDemand = () => checkpointAt.At(fingerprinter, rowsBefore, conventions) };
            }

            rows++;
            previous = mapper.Map(reader, fingerprinter.Lines + 1);
        }

        fingerprinter.AdvanceTo(start + recording.BytesRead);
        var end = checkpointAt.At(fingerprinter, rows, conventions);
        yield return previous is null ? new SourceCheckpoint(csv.Stream, end) : Complete(csv, previous, end);
    }

    /// <summary>
    /// Reads ahead, on a handle of its own and at most <see cref="DateOrderProbeRows"/> rows, until a date proves
    /// whether the file writes the day or the month first. The ambiguous dates before that row (<c>09/08/15</c> in a
    /// day-first file whose first provable date is <c>13/08/15</c>) are then read the way the rest of the file writes them.
    /// </summary>
    private static async Task<DateOrder> ProbeDateOrderAsync(string path, long start, bool skipHeader, CsvColumnMap map, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 0, FileOptions.SequentialScan | FileOptions.Asynchronous);
        file.Position = start;
        await using var reader = CsvReader.Create(file, ReaderOptions with { HasHeader = skipHeader }, leaveOpen: true);
        var column = map.IndexOf(QuoteColumn.Timestamp);
        var name = map.ColumnName(column);
        var probe = new CsvFileConventions();
        try
        {
            for (var rows = 0; rows < DateOrderProbeRows && probe.DateOrder == DateOrder.Unknown && await reader.ReadAsync(cancellationToken); rows++)
            {
                if (reader.FieldCount > column)
                {
                    CsvTimestampParser.TryParse(reader.GetString(column), name, probe, out _, out _);
                }
            }
        }
        catch (CsvFormatException)
        {
            // The rows themselves report what is wrong with them; the probe just learns nothing.
        }

        return probe.DateOrder;
    }

    /// <summary>
    /// The header of an appended file, read from its start. It is the one the checkpoint recorded unless the header
    /// line is longer than the fingerprinted head; if not, the file is read again.
    /// </summary>
    private static async Task<(CsvReadPlan Plan, IReadOnlyList<string>? Header)> ConfirmAppendAsync(
        FileStream file, CsvFile csv, CsvReadPlan plan, CancellationToken cancellationToken)
    {
        if (plan.Mode != CsvReadMode.Appended)
        {
            return (plan, null);
        }

        file.Position = 0;
        await using var reader = CsvReader.Create(file, ReaderOptions with { HasHeader = true }, leaveOpen: true);
        var header = await ReadHeaderAsync(reader, csv.Name, cancellationToken);
        return header.SequenceEqual(plan.State!.Header, StringComparer.Ordinal)
            ? (plan, header)
            : (CsvReadPlan.Rewritten(plan.Stored!, "its header changed"), null);
    }

    /// <summary>A UTF-16 or UTF-32 file is refused as one record, so that it is reported once and skipped until it changes.</summary>
    private static async Task<SourceRecord?> RefuseOtherEncodingAsync(FileStream file, CsvFile csv, long generation, CancellationToken cancellationToken)
    {
        var start = new byte[Math.Min(csv.Length, RefusedFileBytesKept)];
        var read = await RandomAccess.ReadAsync(file.SafeFileHandle, start, 0, cancellationToken);
        var encoding = CsvEncoding.OtherThanUtf8(start.AsSpan(0, read));
        if (encoding is null)
        {
            return null;
        }

        using var fingerprinter = await CsvFingerprinter.AtAsync(file.SafeFileHandle, csv.Length, 0, cancellationToken);
        var checkpoint = new CsvFileState.Writer(csv.Stream, generation, csv.Length, csv.LastWriteUtc, []).At(fingerprinter, 1, new CsvFileConventions());
        return new SourceRecord(
            csv.Stream,
            string.Create(CultureInfo.InvariantCulture, $"{csv.Name}:1"),
            null,
            new RawPayload(null, start, SHA256.HashData(start), csv.FetchedAt),
            null,
            [$"the file is {encoding} (by its byte order mark); CSV files are read as UTF-8"],
            checkpoint);
    }

    private static SourceRecord Complete(CsvFile csv, CsvMappedRow row, Checkpoint? checkpoint) =>
        new(csv.Stream, row.Reference, row.SourceRecordId, row.Raw, row.Fields, row.Problems, checkpoint);

    /// <summary>A line of nothing but spaces and tabs is blank too (CsvHelper skips only empty lines).</summary>
    private static bool IsBlank(CsvReader reader) => reader.FieldCount <= 1 && reader.RawRecord.IndexOfAnyExcept((byte)' ', (byte)'\t') < 0;

    /// <summary>Reads on, naming the file in what CsvHelper throws (a record over the size limit).</summary>
    private static async ValueTask<bool> NextAsync(CsvReader reader, string fileName, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadAsync(cancellationToken);
        }
        catch (CsvFormatException ex)
        {
            throw new InvalidDataException($"{fileName}: {ex.Message}", ex);
        }
    }

    private static async Task<IReadOnlyList<string>> ReadHeaderAsync(CsvReader reader, string fileName, CancellationToken cancellationToken)
    {
        try
        {
            await reader.ReadHeaderAsync(cancellationToken);
            return [.. reader.Headers];
        }
        catch (CsvFormatException ex)
        {
            throw new InvalidDataException($"{fileName}: {ex.Message}", ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "CSV file {File} is unchanged since the last run: {Rows} rows skipped without parsing")]
    private partial void LogUnchanged(string file, long rows);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reading CSV file {File} ({Reason}), checkpoint generation {Generation}")]
    private partial void LogReading(string file, string reason, long generation);

    /// <summary>The file being read: its stream key (full path), name, length and last write when opened, and the read time.</summary>
    private sealed record CsvFile(string Stream, string Name, long Length, DateTimeOffset LastWriteUtc, DateTimeOffset FetchedAt);
}
