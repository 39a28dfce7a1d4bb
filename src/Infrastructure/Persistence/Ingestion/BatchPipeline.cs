using System.Buffers.Binary;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Ingestion;
using Kasparro.Domain.Quotes;

namespace Kasparro.Infrastructure.Persistence.Ingestion;

/// <summary>
/// The concurrency plan of one run's batches (docs/write-path.md): two batches written at once, each on a connection
/// of its own, with its raw records landing on a third; a batch commits only after its landing and the batch before
/// it. Batches that share a quote key are not overlapped, nor are landings that share content.
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

        var keys = InFlight.KeysOf(batch.Quotes);
        if (_inFlight is { } sharing && sharing.Keys.Overlaps(keys))
        {
            // The same row in both batches: the later one would wait on the earlier one's row lock, so it starts after it.
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

    /// <summary>A batch being stored: the quote keys whose rows it may lock (raw records land apart), and its commit.</summary>
    private sealed record InFlight(HashSet<QuoteKey> Keys, Task Stored)
    {
        public static HashSet<QuoteKey> KeysOf(IReadOnlyList<Quote> quotes)
        {
            var keys = new HashSet<QuoteKey>(quotes.Count);
            foreach (var quote in quotes)
            {
                keys.Add(new QuoteKey(quote.Key.SourceAssetId, quote.ObservedAt.UtcTicks));
            }

            return keys;
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
            var keys = new HashSet<ContentKey>(raw.Count);
            foreach (var record in raw)
            {
                keys.Add(ContentKey.Of(record.Payload.ContentHash.Span));
            }

            var previous = last is null ? Task.CompletedTask : last.Keys.Overlaps(keys) ? last.Done : last.Before;
            return new Landing(keys, land(previous), last?.Done ?? Task.CompletedTask);
        }
    }

    /// <summary>A content hash's first 16 bytes (a shorter hash whole, as text): equal contents have equal keys.</summary>
    private readonly record struct ContentKey(long A, long B, string? Short)
    {
        public static ContentKey Of(ReadOnlySpan<byte> hash) =>
            hash.Length >= 16
                ? new ContentKey(BinaryPrimitives.ReadInt64LittleEndian(hash), BinaryPrimitives.ReadInt64LittleEndian(hash[8..]), null)
                : new ContentKey(0, 0, Convert.ToBase64String(hash));
    }
}
