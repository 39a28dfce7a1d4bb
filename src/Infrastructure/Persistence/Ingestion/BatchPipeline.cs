using System.Buffers.Binary;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Ingestion;

namespace Kasparro.Infrastructure.Persistence.Ingestion;

/// <summary>
/// The concurrency plan of one run's batches (docs/write-path.md): two batches written at once, each on a connection
/// of its own, with its raw records landing on a third; a batch commits only after its landing and the batch before
/// it. Batches that share a quote key or a rejected content are not overlapped, nor are landings that share content.
/// </summary>
internal sealed class BatchPipeline(IBatchSteps steps, Action<RunCounts> stored) : IBatchSink
{
    private Landing? _lastLanding;
    private InFlight? _inFlight;

    public async Task WriteAsync(ResolvedBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var landing = Landing.After(_lastLanding, batch.Raw, previous => LandAsync(batch.Raw, previous, cancellationToken));
        _lastLanding = landing;

        var keys = UniqueKeys.Of(batch);
        if (_inFlight is { } sharing && sharing.Shares(keys))
        {
            // The same unique key in both batches: had the later one inserted it first, the earlier one would wait for
            // the later one's commit, which waits for the earlier one's (a deadlock the server cannot see). So the later
            // one starts once the earlier one is stored.
            await sharing.Stored;
            _inFlight = null;
        }

        var previous = _inFlight;
        _inFlight = new InFlight(keys, StoreAsync(batch, landing.Done, previous?.Stored ?? Task.CompletedTask, cancellationToken));
        if (previous is not null)
        {
            await previous.Stored;
        }
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_inFlight is { } last)
        {
            await last.Stored;
            _inFlight = null;
        }
    }

    /// <summary>Waits until nothing is left in flight: every batch is committed or rolled back, every landing ended.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_inFlight is { } last)
        {
            await last.Stored.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (_lastLanding is { } landing)
        {
            // A landing starts after the one two before it, so once the last two ended, every one has.
            await landing.Done.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await landing.Before.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task LandAsync(IReadOnlyList<RawRecord> raw, Task previous, CancellationToken cancellationToken)
    {
        await previous;
        if (raw.Count > 0)
        {
            await steps.LandAsync(raw, cancellationToken);
        }
    }

    /// <summary>
    /// Writes the batch's rows, then, once its raw records have landed and the batch before it has committed, adds its
    /// checkpoints and the run's counts and commits. When the landing or the batch before fails, this one rolls back.
    /// </summary>
    private async Task StoreAsync(ResolvedBatch batch, Task landed, Task previous, CancellationToken cancellationToken)
    {
        await using var written = await steps.WriteAsync(batch, cancellationToken);
        var counts = batch.CountsWith(written.Loaded);
        await landed;
        await previous;
        await written.CommitAsync(batch.Checkpoints, counts, cancellationToken);
        stored(counts);
    }

    /// <summary>A batch being stored: the unique keys it may hold uncommitted until it commits, and its commit.</summary>
    private sealed record InFlight(UniqueKeys Keys, Task Stored)
    {
        public bool Shares(UniqueKeys keys) => Keys.Quotes.Overlaps(keys.Quotes) || Keys.Rejected.Overlaps(keys.Rejected);
    }

    /// <summary>The unique keys a batch's transaction inserts: its quote keys and the contents it rejects (raw records land apart).</summary>
    private sealed record UniqueKeys(HashSet<QuoteKey> Quotes, HashSet<ContentKey> Rejected)
    {
        public static UniqueKeys Of(ResolvedBatch batch)
        {
            var quotes = new HashSet<QuoteKey>(batch.Quotes.Count);
            foreach (var quote in batch.Quotes)
            {
                quotes.Add(new QuoteKey(quote.Key.SourceAssetId, quote.ObservedAt.UtcTicks));
            }

            return new UniqueKeys(quotes, ContentKey.Set(batch.Rejections.Select(r => r.Payload)));
        }
    }

    /// <summary>A quote's key within its source: source asset id and observed_at ticks.</summary>
    private readonly record struct QuoteKey(string SourceAssetId, long ObservedAtTicks);

    /// <summary>
    /// A raw landing in flight. At most two run at once: each waits for the one two before it, and for the one just
    /// before it as well when the two batches share content, since two landings inserting the same content keys in
    /// different orders could each wait on the other's (a deadlock PostgreSQL would end by failing one).
    /// </summary>
    private sealed record Landing(HashSet<ContentKey> Keys, Task Done, Task Before)
    {
        public static Landing After(Landing? last, IReadOnlyList<RawRecord> raw, Func<Task, Task> land)
        {
            var keys = ContentKey.Set(raw.Select(r => r.Payload));
            var previous = last is null ? Task.CompletedTask : last.Keys.Overlaps(keys) ? last.Done : last.Before;
            return new Landing(keys, land(previous), last?.Done ?? Task.CompletedTask);
        }
    }

    /// <summary>A content hash's first 16 bytes (a shorter hash whole, as text): equal contents have equal keys.</summary>
    private readonly record struct ContentKey(long A, long B, string? Short)
    {
        public static HashSet<ContentKey> Set(IEnumerable<RawPayload> payloads)
        {
            var keys = new HashSet<ContentKey>();
            foreach (var payload in payloads)
            {
                keys.Add(Of(payload.ContentHash.Span));
            }

            return keys;
        }

        public static ContentKey Of(ReadOnlySpan<byte> hash) =>
            hash.Length >= 16
                ? new ContentKey(BinaryPrimitives.ReadInt64LittleEndian(hash), BinaryPrimitives.ReadInt64LittleEndian(hash[8..]), null)
                : new ContentKey(0, 0, Convert.ToBase64String(hash));
    }
}
