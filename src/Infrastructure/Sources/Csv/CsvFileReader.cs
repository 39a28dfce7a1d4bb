using System.Runtime.CompilerServices;
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
/// relative to where the stream started, a byte order mark included). A row's checkpoint offset is therefore the
/// start of the next record (past the row's line break and any blank lines after it), or, for the last row, the
/// number of bytes the stream delivered; so a row is yielded once the next one is read. The bytes themselves reach
/// the <see cref="CsvFingerprinter"/> through <see cref="RecordingReadStream"/>: the file is read once.
/// </para>
/// </summary>
internal sealed partial class CsvFileReader(TimeProvider time, ILogger logger)
{
    private const string UnchangedReason = "file unchanged since last run";
    private const int RefusedFileBytesKept = 4 * 1024;

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

    public async IAsyncEnumerable<SourceItem> ReadAsync(
        string path, IReadOnlyDictionary<string, Checkpoint> checkpoints, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stream = Path.GetFullPath(path);
        var fileName = Path.GetFileName(stream);
        await using var file = new FileStream(stream, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.ReadWrite | FileShare.Delete,
            BufferSize = 0, // CsvHelper reads in 128 KiB blocks of its own.
            Options = FileOptions.SequentialScan | FileOptions.Asynchronous,
        });
        var length = file.Length;
        var lastWriteUtc = new DateTimeOffset(File.GetLastWriteTimeUtc(file.SafeFileHandle), TimeSpan.Zero);
        var fetchedAt = time.GetUtcNow();
        checkpoints.TryGetValue(stream, out var stored);

        using var plan = await CsvReadPlan.DecideAsync(file, stored, length, cancellationToken);
        if (plan.Mode == CsvReadMode.Unchanged)
        {
            LogUnchanged(fileName, plan.Stored!.Rows);
            yield return new SourceSkipped(stream, plan.Stored.Rows, UnchangedReason);
            yield break;
        }

        var read = plan;
        IReadOnlyList<string>? header = null;
        if (plan.Mode == CsvReadMode.Appended)
        {
            header = await ReadHeaderAsync(file, fileName, cancellationToken);
            if (!header.SequenceEqual(plan.State!.Header, StringComparer.Ordinal))
            {
                read = CsvReadPlan.Rewritten(plan.Stored!, "its header changed");
                header = null;
            }
        }

        LogReading(fileName, read.Reason, read.Generation);
        var refusal = await RefuseOtherEncodingAsync(file, stream, fileName, read.Generation, length, lastWriteUtc, fetchedAt, cancellationToken);
        if (refusal is not null)
        {
            yield return refusal;
            yield break;
        }

        var appended = read.Mode == CsvReadMode.Appended;
        using var fingerprinter = appended ? read.TakeFingerprinter() : CsvFingerprinter.AtStart();
        var start = fingerprinter.Position;
        var rows = appended ? read.Stored!.Rows : 0;
        var conventions = appended ? new CsvFileConventions(read.State!.DateOrder, read.State.GroupsDigitsWithDots) : new CsvFileConventions();

        file.Position = start;
        await using var recording = new RecordingReadStream(file, fingerprinter);
        await using var reader = CsvReader.Create(recording, ReaderOptions with { HasHeader = !appended }, leaveOpen: true);
        if (header is null)
        {
            await HeaderAsync(reader, fileName, cancellationToken);
            header = [.. reader.Headers];
        }

        var map = CsvColumnMap.Create(header);
        var checkpointAt = new CsvFileState.Writer(stream, read.Generation, length, lastWriteUtc, header);
        using var mapper = new CsvRowMapper(map, fileName, lastWriteUtc, fetchedAt, conventions);
        CsvMappedRow? previous = null;
        while (await NextAsync(reader, fileName, cancellationToken))
        {
            if (IsBlank(reader))
            {
                continue;
            }

            fingerprinter.AdvanceTo(start + reader.ByteOffset);
            if (previous is not null)
            {
                yield return Complete(stream, previous, checkpointAt.At(fingerprinter, rows, conventions));
            }

            rows++;
            previous = mapper.Map(reader, fingerprinter.Lines + 1);
        }

        fingerprinter.AdvanceTo(start + recording.BytesRead);
        var end = checkpointAt.At(fingerprinter, rows, conventions);
        yield return previous is null ? new SourceCheckpoint(stream, end) : Complete(stream, previous, end);
    }

    private static SourceRecord Complete(string stream, CsvMappedRow row, Checkpoint checkpoint) =>
        new(stream, row.Reference, row.SourceRecordId, row.Raw, row.Fields, row.Problems, checkpoint);

    /// <summary>A line of nothing but spaces and tabs is blank too (CsvHelper skips only empty lines).</summary>
    private static bool IsBlank(CsvReader reader) => reader.FieldCount <= 1 && reader.RawRecord.IndexOfAnyExcept((byte)' ', (byte)'\t') < 0;

    /// <summary>The header of an appended file, read from its start.</summary>
    private static async Task<IReadOnlyList<string>> ReadHeaderAsync(FileStream file, string fileName, CancellationToken cancellationToken)
    {
        file.Position = 0;
        await using var reader = CsvReader.Create(file, ReaderOptions with { HasHeader = true }, leaveOpen: true);
        await HeaderAsync(reader, fileName, cancellationToken);
        return [.. reader.Headers];
    }

    /// <summary>A UTF-16 or UTF-32 file is refused as one record, so that it is reported once and skipped until it changes.</summary>
    private static async Task<SourceRecord?> RefuseOtherEncodingAsync(
        FileStream file, string stream, string fileName, long generation, long length, DateTimeOffset lastWriteUtc, DateTimeOffset fetchedAt, CancellationToken cancellationToken)
    {
        var start = new byte[Math.Min(length, RefusedFileBytesKept)];
        var read = await RandomAccess.ReadAsync(file.SafeFileHandle, start, 0, cancellationToken);
        var encoding = CsvEncoding.OtherThanUtf8(start.AsSpan(0, read));
        if (encoding is null)
        {
            return null;
        }

        using var fingerprinter = await CsvFingerprinter.AtAsync(file.SafeFileHandle, length, 0, cancellationToken);
        var checkpoint = new CsvFileState.Writer(stream, generation, length, lastWriteUtc, []).At(fingerprinter, 1, new CsvFileConventions());
        var raw = new RawPayload(null, start, System.Security.Cryptography.SHA256.HashData(start), fetchedAt);
        return new SourceRecord(
            stream, $"{fileName}:1", null, raw, null, [$"the file is {encoding} (by its byte order mark); CSV files are read as UTF-8"], checkpoint);
    }

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

    private static async ValueTask HeaderAsync(CsvReader reader, string fileName, CancellationToken cancellationToken)
    {
        try
        {
            await reader.ReadHeaderAsync(cancellationToken);
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
}
