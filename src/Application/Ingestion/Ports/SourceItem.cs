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
    Checkpoint? CheckpointAfter) : SourceItem(Stream);

/// <summary>
/// The verbatim record: a JSON document (an API item, or a CSV row as an object of its columns) and, where the
/// record is not valid text, its original bytes. The content hash identifies identical content across runs.
/// </summary>
public sealed record RawPayload(string? Json, ReadOnlyMemory<byte>? Bytes, ReadOnlyMemory<byte> ContentHash, DateTimeOffset FetchedAt);

/// <summary>Records the source did not read because its checkpoint shows them unchanged.</summary>
public sealed record SourceSkipped(string Stream, long Count, string Reason) : SourceItem(Stream);

/// <summary>A checkpoint reached without a record (an empty file, a rewritten file starting a new generation).</summary>
public sealed record SourceCheckpoint(string Stream, Checkpoint Checkpoint) : SourceItem(Stream);

/// <summary>The source's payload shape differs from what it expects; see CONTRACT "Schema drift".</summary>
public sealed record SourceSchemaDrift(
    string Stream,
    string ExpectedField,
    string? ObservedField,
    decimal Confidence,
    string Action,
    string Message) : SourceItem(Stream);
