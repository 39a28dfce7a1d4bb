using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Ingestion;
using Kasparro.Infrastructure.Persistence;
using Microsoft.Extensions.Logging;

namespace Kasparro.Infrastructure.Sources.Api;

/// <summary>What an API source reads in one listing: its stream, expected shape and quirks.</summary>
internal sealed record ApiListing(string Source, string Stream, ApiSchema Schema, bool ZeroMarketCapIsUnknown)
{
    /// <summary>
    /// Records per batch for an API listing (<c>INGEST_BATCH_SIZE</c> still caps it): small enough that a listing of
    /// thousands is written in several batches while the rest of the body is parsed, large enough that each batch's
    /// round trips and commit stay a small share of its time.
    /// </summary>
    public const int BatchSize = 500;
}

/// <summary>
/// Turns the responses of one listing, during one run, into source items: the first item of each response is
/// compared with the schema (each distinct drift is reported once per run), unchanged items are counted and skipped,
/// and every other item becomes a record with its verbatim JSON, content hash and typed fields. An item that cannot
/// be read becomes a record with a problem; it never stops the run. One checkpoint per response, not per record: the
/// state is a map of every id, so a checkpoint on each record would cost quadratic time and space. Each response read
/// is one page of the pages planned reported to the run's progress (the listing's last page settles the total).
/// </summary>
internal sealed partial class ApiListingReader(
    ApiListing listing, SchemaDriftDetector detector, ApiListingState state, SourceReadContext context, int plannedPages, ILogger logger)
{
    private const string UnchangedReason = "last_updated unchanged";

    private readonly HashSet<DriftFinding> reported = [];
    private int pagesRead;

    /// <summary>Items in the last response read, skipped ones included.</summary>
    public int Items { get; private set; }

    /// <summary>Items of the last response that were unchanged.</summary>
    public long Skipped { get; private set; }

    /// <summary>The checkpoint that ended the last response.</summary>
    public Checkpoint? Checkpoint { get; private set; }

    /// <summary>
    /// The items of one response, then its skip count and the stream's checkpoint. The checkpoint rides on the last
    /// record (read one item behind, so the last is known), so that it commits in the same batch as that record; a
    /// response without records ends with a bare <see cref="SourceCheckpoint"/>. When the body breaks off, what was
    /// read is followed the same way by a checkpoint covering it, then the <see cref="SourceUnavailableException"/>.
    /// </summary>
    /// <param name="isComplete">Given the response's item count: whether it ends the listing (ids not seen are then dropped).</param>
    public async IAsyncEnumerable<SourceItem> ReadAsync(
        ApiJsonResponse response, string reference, DateTimeOffset fetchedAt, Func<int, bool> isComplete, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(isComplete);
        Items = 0;
        Skipped = 0;
        var plans = DriftResult.AsExpected(listing.Schema).Plans;
        SourceUnavailableException? failure = null;
        SourceRecord? held = null;

        await using (var items = response.ReadItemsAsync(cancellationToken).GetAsyncEnumerator(cancellationToken))
        {
            while (true)
            {
                try
                {
                    if (!await items.MoveNextAsync())
                    {
                        break;
                    }
                }
                catch (SourceUnavailableException ex)
                {
                    failure = ex;
                    break;
                }

                var item = items.Current;
                var index = Items++;
                if (index == 0)
                {
                    var drift = detector.Detect(listing.Schema, item);
                    plans = drift.Plans;
                    foreach (var finding in drift.Findings.Where(reported.Add))
                    {
                        LogDrift(listing.Source, listing.Stream, finding.Action, finding.Message);
                        yield return new SourceSchemaDrift(listing.Stream, finding.ExpectedField, finding.ObservedField, finding.Confidence, finding.Action, finding.Message);
                    }
                }

                var record = Read(item, plans, reference, index, fetchedAt);
                if (record is not null)
                {
                    if (held is not null)
                    {
                        yield return held;
                    }

                    held = record;
                }
            }
        }

        var complete = failure is null && isComplete(Items);
        Checkpoint = state.Checkpoint(complete);
        pagesRead++;
        ReportPages(complete ? pagesRead : Math.Max(plannedPages, pagesRead));
        if (Skipped > 0)
        {
            yield return new SourceSkipped(listing.Stream, Skipped, UnchangedReason);
        }

        yield return held is null ? new SourceCheckpoint(listing.Stream, Checkpoint) : held with { CheckpointAfter = Checkpoint };
        if (failure is not null)
        {
            throw failure;
        }
    }

    private void ReportPages(long planned) => context.ReportRead(listing.Source, pagesRead, planned, ProgressUnit.Pages);

    /// <summary>One item as a record, or <c>null</c> when it is unchanged since the last commit.</summary>
    private SourceRecord? Read(JsonElement item, IReadOnlyDictionary<ApiField, FieldPlan> plans, string response, int index, DateTimeOffset fetchedAt)
    {
        string Reference() => string.Create(CultureInfo.InvariantCulture, $"{response}[{index}]");

        try
        {
            var read = ApiItemFields.Read(item, plans, fetchedAt, listing.ZeroMarketCapIsUnknown);
            var clean = read.Problems.Count == 0;
            if (clean && read is { Id: { } id, LastUpdated: { } lastUpdated } && state.IsUnchanged(id, lastUpdated))
            {
                // Skipped before its raw payload is made: no text copy, no hash.
                Skipped++;
                state.Saw(id, lastUpdated, read.LastUpdatedAt, clean);
                return null;
            }

            state.Saw(read.Id, read.LastUpdated, read.LastUpdatedAt, clean);
            return new SourceRecord(listing.Stream, Reference(), read.Id ?? RawId(item), Raw(item, fetchedAt), read.Fields, read.Problems, null);
        }
#pragma warning disable CA1031 // One unreadable item becomes a rejected record; the run goes on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var reference = Reference();
            LogItemError(ex, listing.Source, reference);
            return new SourceRecord(listing.Stream, reference, RawId(item), Raw(item, fetchedAt), null, [$"item could not be read: {ex.GetType().Name}: {ex.Message}"], null);
        }
    }

    private static RawPayload Raw(JsonElement item, DateTimeOffset fetchedAt)
    {
        var bytes = JsonMarshal.GetRawUtf8Value(item);
        return new RawPayload(Encoding.UTF8.GetString(bytes), null, SHA256.HashData(bytes), fetchedAt, StatedAt(item));
    }

    /// <summary>
    /// The item's own <c>last_updated</c>, literally, whatever a drifted schema maps: the rule the store keys raw rows
    /// by must be the one SQL applies to a stored payload (<see cref="RawContentKey"/>). Of duplicate names the last
    /// counts, as in jsonb.
    /// </summary>
    internal static DateTimeOffset? StatedAt(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty("last_updated", out var stated) && stated.ValueKind == JsonValueKind.String
            ? RawContentKey.StatedAt(stated.GetString())
            : null;

    private static string? RawId(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;

    /// <summary>
    /// The reader for one run of a listing of up to <paramref name="plannedPages"/> responses: its stored checkpoint (if
    /// any) read back into per-id state, which is reported and started afresh when it cannot be read.
    /// </summary>
    public static ApiListingReader Start(ApiListing listing, SourceReadContext context, int plannedPages, decimal driftThreshold, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(listing);
        ArgumentNullException.ThrowIfNull(context);
        context.Checkpoints.TryGetValue(listing.Stream, out var stored);
        var state = ApiListingState.From(listing.Source, listing.Stream, stored);
        var reader = new ApiListingReader(listing, new SchemaDriftDetector(driftThreshold), state, context, plannedPages, logger);
        if (state.StoredStateUnreadable)
        {
            reader.LogUnreadableState(listing.Source, listing.Stream);
        }

        reader.ReportPages(plannedPages);
        return reader;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stored checkpoint of {Source} {Stream} is not a JSON object of ids; every item is read again")]
    private partial void LogUnreadableState(string source, string stream);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schema drift in {Source} {Stream} ({Action}): {Detail}")]
    private partial void LogDrift(string source, string stream, string action, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Source} item {Reference} could not be read; it is rejected")]
    private partial void LogItemError(Exception exception, string source, string reference);
}
