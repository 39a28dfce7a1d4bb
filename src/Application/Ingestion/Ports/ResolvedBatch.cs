using Kasparro.Domain.Ingestion;
using Kasparro.Domain.Quotes;

namespace Kasparro.Application.Ingestion.Ports;

/// <summary>
/// A batch ready to be stored: every record read, verbatim (<paramref name="Raw"/>); the valid ones as quotes of their
/// canonical assets; the rejected ones with their reasons; the schema drift seen; the checkpoints reached; and how
/// many records the batch read (<paramref name="Read"/>, the ones its source skipped as unchanged included).
/// </summary>
public sealed record ResolvedBatch(
    IReadOnlyList<RawRecord> Raw,
    IReadOnlyList<Quote> Quotes,
    IReadOnlyList<Rejection> Rejections,
    IReadOnlyList<SourceSchemaDrift> Drift,
    IReadOnlyList<Checkpoint> Checkpoints,
    long Read)
{
    /// <summary>A batch of nothing, for building one from its parts: <c>ResolvedBatch.Empty with { Quotes = … }</c>.</summary>
    public static ResolvedBatch Empty { get; } = new([], [], [], [], [], 0);

    /// <summary>
    /// The batch's counts once <paramref name="loaded"/> of its quotes were inserted or changed: every other record
    /// read and not rejected was skipped (unchanged, already stored as it is, or repeated within the batch).
    /// </summary>
    public RunCounts CountsWith(long loaded) => new(Read, loaded, Read - loaded - Rejections.Count, Rejections.Count);
}

/// <summary>A record kept verbatim in its source's raw table (identical content is kept once).</summary>
public sealed record RawRecord(string Reference, string? SourceRecordId, RawPayload Payload);

/// <summary>A record that was not loaded, with every reason.</summary>
public sealed record Rejection(string Reference, string? SourceRecordId, RawPayload Payload, IReadOnlyList<string> Reasons);
