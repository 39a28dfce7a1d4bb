using Kasparro.Domain.Ingestion;

namespace Kasparro.Application.Ingestion.Ports;

/// <summary>One thing a source reports while reading a stream (a file, an API listing).</summary>
public abstract record SourceItem(string Stream);

/// <summary>
/// One record as read: its verbatim payload (kept raw before anything else), the typed fields the source could read
/// (<c>null</c> when nothing could be), the problems it found, and the checkpoint that is reached once this record
/// and every record before it in the stream are committed.
/// </summary>
public sealed record SourceRecord(
    string Stream,
    string Reference,
    string? SourceRecordId,
    RawPayload Raw,
    RecordFields? Fields,
    IReadOnlyList<string> Problems,
    Checkpoint? CheckpointAfter) : SourceItem(Stream)
{
    /// <summary>
    /// For a source whose checkpoint costs more than the record itself (a CSV file's fingerprint, which hashes the bytes
    /// before each row): computes the checkpoint reached after this record, in place of <see cref="CheckpointAfter"/>.
    /// It reads the source's current position, so it holds only until the source is read further: the runner calls it
    /// at once for the record that ends a batch, and not at all for the others. A source that uses it gives the last
    /// record of each stream its <see cref="CheckpointAfter"/>.
    /// </summary>
    public Func<Checkpoint>? CheckpointOnDemand { get; init; }

    /// <summary>The checkpoint reached after this record; call it before reading the source further.</summary>
    public Checkpoint? ReachedCheckpoint() => CheckpointAfter ?? CheckpointOnDemand?.Invoke();
}

/// <summary>
/// The verbatim record: a JSON document (an API item, or a CSV row as an object of its columns) and, where the
/// record is not valid text, its original bytes. The content hash identifies identical content across runs.
/// <paramref name="StatedAt"/> is the time the content itself states, when the source reads one from it by a fixed
/// rule (an API item's <c>last_updated</c>): a function of the content, like the hash, that lets the store keep a run's
/// new content together instead of scattered by hash.
/// </summary>
public sealed record RawPayload(
    string? Json, ReadOnlyMemory<byte>? Bytes, ReadOnlyMemory<byte> ContentHash, DateTimeOffset FetchedAt, DateTimeOffset? StatedAt = null);

/// <summary>Records the source did not read because its checkpoint shows them unchanged.</summary>
public sealed record SourceSkipped(string Stream, long Count, string Reason) : SourceItem(Stream);

/// <summary>A checkpoint reached without a record (an empty file, a rewritten file starting a new generation).</summary>
public sealed record SourceCheckpoint(string Stream, Checkpoint Checkpoint) : SourceItem(Stream);

/// <summary>The source's payload shape differs from what it expects; see the schema drift rule of docs/reference/data-rules.md.</summary>
public sealed record SourceSchemaDrift(
    string Stream,
    string ExpectedField,
    string? ObservedField,
    decimal Confidence,
    string Action,
    string Message) : SourceItem(Stream);
