using System.Buffers.Binary;
using System.Threading.Channels;
using Kasparro.Application.Common.Logging;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Assets;
using Kasparro.Domain.Ingestion;
using Kasparro.Domain.Markets;
using Kasparro.Domain.Quotes;
using Microsoft.Extensions.Logging;

namespace Kasparro.Application.Ingestion.RunIngestion;

/// <summary>
/// One run of one source: take the source's lock, open the run, stream records, check them against the data rules,
/// resolve identity, and commit raw rows, quotes, rejections and the checkpoint batch by batch, each batch in one
/// transaction; then close the run with its counts. Reading the next batch overlaps committing the previous one.
/// It keeps no state between calls, so one instance runs several sources at once.
/// </summary>
public sealed partial class SourceRunner(
    IIngestionStore store,
    ISourceRunLock runLock,
    IngestionSettings settings,
    IIngestionProgress progress,
    IdentityCache identities,
    TimeProvider time,
    ILogger<SourceRunner> logger)
{
    public async Task<SourceRunResult> RunAsync(IIngestionSource source, RunIngestionCommand command, CancellationToken cancellationToken)
    {
        var start = await StartAsync(source, command, cancellationToken);
        if (start.Started is not { } started)
        {
            return start.Busy!;
        }

        await using (started)
        {
            return await started.CompleteAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Takes the source's lock and opens the run, without running it yet: <c>POST /v1/runs</c> answers with the run's id
    /// (or a 409 naming the running run) at once and completes the run in the background, still holding the lock.
    /// </summary>
    public async Task<SourceRunStart> StartAsync(IIngestionSource source, RunIngestionCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(command);

        var lease = await runLock.TryAcquireAsync(source.Name, cancellationToken);
        if (lease is null)
        {
            var running = await store.FindRunningRunAsync(source.Name, cancellationToken);
            LogBusy(source.Name, running?.Id);
            return new SourceRunStart(
                null,
                new SourceRunResult(source.Name, running?.Id, SourceRunStatus.Busy, RunCounts.Zero, 0, $"source '{source.Name}' is already running"));
        }

        try
        {
            var started = time.GetUtcNow();
            var abandoned = await store.CloseAbandonedRunsAsync(source.Name, started, cancellationToken);
            if (abandoned > 0)
            {
                LogAbandoned(abandoned, source.Name);
            }

            var run = IngestionRun.Start(Guid.CreateVersion7(started), source.Name, command.Trigger, started);
            await store.AddRunAsync(run, cancellationToken);
            LogStarted(source.Name, run.Id, run.Trigger.ToText());
            return new SourceRunStart(new StartedSourceRun(this, lease, source, run, command), null);
        }
        catch
        {
            await lease.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs an opened run to its end and records the outcome; the caller releases the lock afterwards.</summary>
    internal async Task<SourceRunResult> CompleteAsync(IIngestionSource source, IngestionRun run, RunIngestionCommand command, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(new LogScope(("run_id", run.Id), ("source", source.Name)));
        try
        {
            await ExecuteAsync(source, run, command, cancellationToken);
            run.Succeed(time.GetUtcNow());
        }
        catch (FailAfterReachedException ex)
        {
            run.Fail(time.GetUtcNow(), ex.Message);
        }
        catch (SourceUnavailableException ex)
        {
            var message = $"source unavailable: {ex.Message}";
            if (run.Counts.Read > 0)
            {
                run.EndPartial(time.GetUtcNow(), message);
            }
            else
            {
                run.Fail(time.GetUtcNow(), message);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            run.Fail(time.GetUtcNow(), "cancelled: the host is stopping; the run stopped at a batch boundary");
        }
#pragma warning disable CA1031 // A run records any failure as its outcome; it never takes the process down.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogRunError(ex, source.Name);
            identities.Clear(); // the database may not be what the cache remembers (see IdentityCache)
            run.Fail(time.GetUtcNow(), $"{ex.GetType().Name}: {ex.Message}");
        }

        // The outcome is written even when the caller is cancelling: a run must not stay 'running'.
        await store.SaveRunAsync(run, CancellationToken.None);
        LogFinished(source.Name, run.Status.ToText(), run.Counts.Read, run.Counts.Loaded, run.Counts.Skipped, run.Counts.Rejected, run.DurationMs ?? 0, run.Error);
        return new SourceRunResult(source.Name, run.Id, run.Status.ToText(), run.Counts, run.DurationMs ?? 0, run.Error);
    }

    private async Task ExecuteAsync(IIngestionSource source, IngestionRun run, RunIngestionCommand command, CancellationToken cancellationToken)
    {
        var aliases = await store.GetTickerAliasesAsync(cancellationToken);
        var checkpoints = (await store.GetCheckpointsAsync(source.Name, cancellationToken)).ToDictionary(c => c.Stream, StringComparer.Ordinal);
        var context = new SourceReadContext(run.Id, checkpoints, new SourceOverrides(command.CsvPath)) { Progress = progress };

        using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var batches = Channel.CreateBounded<PreparedBatch>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        var producer = Task.Run(() => PrepareAsync(source, context, aliases, command.FailAfter, batches.Writer, reading.Token), reading.Token);
        long committedRecords = 0;
        InFlight? inFlight = null;
        Landing? landing = null;
        var landings = new List<Task>();

        // A batch is written while the one before it commits (two connections), but commits stay in order: see WriteAsync.
        async Task AwaitCommitAsync(InFlight batch)
        {
            await batch.Commit;
            committedRecords += batch.Records;
            if (command.FailAfter is { } limit && committedRecords >= limit)
            {
                throw new FailAfterReachedException(limit);
            }
        }

        try
        {
            await foreach (var batch in batches.Reader.ReadAllAsync(cancellationToken))
            {
                landing = Landing.After(landing, batch, previous => LandRawAsync(source.Name, run.Id, batch, previous, cancellationToken));
                landings.Add(landing.Done);
                var landed = landing.Done;
                var quotes = await ResolveIdentityAsync(source.Name, run.Id, batch, cancellationToken);
                var keys = InFlight.KeysOf(quotes);
                if (inFlight is not null && inFlight.Keys.Overlaps(keys))
                {
                    // The same row in both batches: the later one would wait on the earlier one's lock, so it starts after it.
                    await AwaitCommitAsync(inFlight);
                    inFlight = null;
                }

                var current = new InFlight(batch.RecordCount, keys, WriteAsync(source.Name, run, batch, quotes, landed, inFlight?.Commit ?? Task.CompletedTask, cancellationToken));
                if (inFlight is not null)
                {
                    await AwaitCommitAsync(inFlight);
                }

                inFlight = current;
            }

            if (inFlight is not null)
            {
                await AwaitCommitAsync(inFlight);
                inFlight = null;
            }
        }
        finally
        {
            if (inFlight is not null)
            {
                // Never leave a batch's transaction behind: it rolls back once the one it waits for has failed.
                await inFlight.Commit.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            await Task.WhenAll(landings).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

            await reading.CancelAsync();
            await producer.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        await producer;
    }

    /// <summary>Reads the source and cuts prepared batches; the failure-injection limit cuts the last one exactly.</summary>
    private async Task PrepareAsync(
        IIngestionSource source, SourceReadContext context, TickerAliases aliases, long? failAfter, ChannelWriter<PreparedBatch> output, CancellationToken cancellationToken)
    {
        var batch = new PreparedBatch();
        var batchSize = Math.Min(settings.BatchSize, source.PreferredBatchSize ?? int.MaxValue);
        try
        {
            long records = 0;
            SourceRecord? onDemand = null; // the last record read, while its checkpoint is still computed on demand
            await foreach (var item in source.ReadAsync(context, cancellationToken))
            {
                onDemand = null;
                switch (item)
                {
                    case SourceRecord record:
                        Add(batch, record, aliases);
                        onDemand = record.CheckpointAfter is null && record.CheckpointOnDemand is not null ? record : null;
                        records++;
                        break;
                    case SourceSkipped skipped:
                        batch.Read += skipped.Count;
                        break;
                    case SourceCheckpoint reached:
                        batch.Checkpoints[reached.Stream] = reached.Checkpoint;
                        break;
                    case SourceSchemaDrift drift:
                        batch.Drift.Add(drift);
                        LogDrift(source.Name, drift.ExpectedField, drift.ObservedField, drift.Confidence, drift.Action);
                        break;
                }

                var limitReached = failAfter is { } limit && records >= limit;
                if (batch.RecordCount >= batchSize || limitReached)
                {
                    if (onDemand is not null)
                    {
                        // Now, before the source reads on: the checkpoint that ends this batch.
                        batch.Checkpoints[onDemand.Stream] = onDemand.ReachedCheckpoint()!;
                        onDemand = null;
                    }

                    await output.WriteAsync(batch, cancellationToken);
                    batch = new PreparedBatch();
                    if (limitReached)
                    {
                        output.Complete();
                        return;
                    }
                }
            }

            if (!batch.IsEmpty)
            {
                await output.WriteAsync(batch, cancellationToken);
            }

            output.Complete();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Every record read before the source failed is whole: commit them (the run ends partial), then fail. The
            // last ones may go without their checkpoint (one computed on demand cannot be once the source has moved
            // on): the next run reads them again, and the upserts find them stored.
            if (!batch.IsEmpty)
            {
                try
                {
                    await output.WriteAsync(batch, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    // The run is stopping: nothing more is committed, and the failure below still ends it.
                }
            }

            output.Complete(ex);
        }
#pragma warning disable CA1031 // Handed to the writing side, which rethrows it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            output.Complete(ex);
        }
    }

    private static void Add(PreparedBatch batch, SourceRecord record, TickerAliases aliases)
    {
        batch.Read++;
        batch.Raw.Add(new RawRecord(record.Reference, record.SourceRecordId, record.Raw));
        if (record.CheckpointAfter is { } checkpoint)
        {
            batch.Checkpoints[record.Stream] = checkpoint;
        }

        if (record.Problems.Count == 0 && record.Fields is not null)
        {
            // The common case, without a list of reasons per record.
            var (clean, found) = QuoteRules.Normalize(record.Fields, aliases);
            if (found.Count == 0 && clean is not null)
            {
                batch.Valid.Add(clean);
                return;
            }
        }

        var reasons = new List<string>(record.Problems);
        NormalizedRecord? normalized = null;
        if (record.Fields is null)
        {
            if (reasons.Count == 0)
            {
                reasons.Add("record has no readable fields");
            }
        }
        else
        {
            var (checkedRecord, ruleReasons) = QuoteRules.Normalize(record.Fields, aliases);
            reasons.AddRange(ruleReasons.Where(r => !reasons.Contains(r, StringComparer.Ordinal)));
            normalized = checkedRecord;
        }

        if (reasons.Count > 0 || normalized is null)
        {
            if (reasons.Count == 0)
            {
                reasons.Add("record could not be read");
            }

            batch.Rejections.Add(new Rejection(record.Reference, record.SourceRecordId, record.Raw, reasons));
            return;
        }

        batch.Valid.Add(normalized);
    }

    /// <summary>
    /// Decides the batch's assets. When every key is in the <see cref="IdentityCache"/>, from there: the database is
    /// written only if an asset learned a name or a larger market cap. Otherwise in a short transaction of its own,
    /// under the identity lock every source shares, that reads what is stored and commits new assets and mappings at
    /// once so the next batch (of any source) sees them. Assets without quotes, should the batch fail later, are
    /// harmless: a rerun maps to them again.
    /// </summary>
    private async Task<IReadOnlyList<Quote>> ResolveIdentityAsync(string source, Guid runId, PreparedBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Valid.Count == 0)
        {
            return [];
        }

        var now = time.GetUtcNow();
        var keys = batch.Valid.Select(r => new SourceKey(source, r.SourceAssetId)).ToHashSet();
        if (identities.TrySnapshot(keys) is { } known)
        {
            var cached = new IdentityResolver(known.Assets, known.Mappings, known.Crosswalk, settings.NameSimilarityThreshold);
            var resolved = Resolve(source, batch, cached, now);
            if (cached.ChangedAssets.Count > 0)
            {
                await using var update = await store.BeginBatchAsync(cancellationToken);
                await update.WriteAsync(new BatchWrite(source, runId, now, [], [.. cached.ChangedAssets], [], [], [], [], []), cancellationToken);
                await update.CommitAsync(cancellationToken);
                identities.Remember([], cached.ChangedAssets);
            }

            return resolved;
        }

        await using var transaction = await store.BeginBatchAsync(cancellationToken);
        var tickers = batch.Valid.Select(r => r.Ticker.Value).ToHashSet(StringComparer.Ordinal);
        var snapshot = await transaction.LoadIdentityAsync(keys, tickers, cancellationToken);
        var resolver = new IdentityResolver(snapshot.Assets, snapshot.Mappings, snapshot.Crosswalk, settings.NameSimilarityThreshold);
        var quotes = Resolve(source, batch, resolver, now);
        if (resolver.ChangedAssets.Count > 0 || resolver.CreatedMappings.Count > 0)
        {
            await transaction.WriteAsync(
                new BatchWrite(source, runId, now, [], [.. resolver.ChangedAssets], resolver.CreatedMappings, [], [], [], []), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        identities.Remember([.. snapshot.Mappings, .. resolver.CreatedMappings], [.. snapshot.Assets, .. resolver.CreatedAssets]);
        return quotes;
    }

    private static List<Quote> Resolve(string source, PreparedBatch batch, IdentityResolver resolver, DateTimeOffset now)
    {
        var quotes = new List<Quote>(batch.Valid.Count);
        foreach (var record in batch.Valid)
        {
            var key = new SourceKey(source, record.SourceAssetId);
            var resolution = resolver.Resolve(new IdentityCandidate(key, record.Ticker, record.Name, record.MarketCapUsd), () => Guid.CreateVersion7(now), now);
            quotes.Add(new Quote(
                resolution.AssetId, record.Ticker, record.Name, key, record.PriceUsd, record.MarketCapUsd, record.Volume24hUsd,
                record.PercentChange24h, record.ObservedAt, record.SourceUpdatedAt));
        }

        return quotes;
    }

    /// <summary>
    /// Lands the batch's raw rows in a transaction of their own, on a connection of their own, while the batch's
    /// identities and quotes are written on others: raw first (docs/reference/data-rules.md), and PostgreSQL parses
    /// the JSONB on one core while it indexes the quotes on the other. It starts after <paramref name="previous"/> (see
    /// <see cref="Landing"/>). Its commit does not wait for the disk (<see cref="IIngestionStore.BeginLandingAsync"/>):
    /// the batch's own commit, durable and later, makes it durable too. A crash after a landing and before its batch
    /// commits leaves raw rows whose batch is read again; being stored by content, they are not stored twice.
    /// </summary>
    private async Task LandRawAsync(string source, Guid runId, PreparedBatch batch, Task previous, CancellationToken cancellationToken)
    {
        await previous;
        if (batch.Raw.Count == 0)
        {
            return;
        }

        await using var transaction = await store.BeginLandingAsync(cancellationToken);
        await transaction.WriteAsync(new BatchWrite(source, runId, time.GetUtcNow(), batch.Raw, [], [], [], [], [], []), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Writes the batch's quotes, rejections and drift, then, once its raw rows have landed and the previous batch has
    /// committed, its checkpoint and the run's counts (rows every batch shares), and commits. So a batch never commits
    /// before its raw rows nor before the batch before it: a crash leaves a prefix of the batches committed, each with
    /// its checkpoint. When the landing or the previous batch fails, this one rolls back.
    /// </summary>
    private async Task WriteAsync(
        string source, IngestionRun run, PreparedBatch batch, IReadOnlyList<Quote> quotes, Task rawLanded, Task previous, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var transaction = await store.BeginBatchAsync(cancellationToken);
        var loaded = await transaction.WriteAsync(
            new BatchWrite(source, run.Id, now, [], [], [], quotes, batch.Rejections, batch.Drift, []), cancellationToken);
        var rejected = batch.Rejections.Count;
        var counts = new RunCounts(batch.Read, loaded, batch.Read - loaded - rejected, rejected);

        await rawLanded;
        await previous;
        if (batch.Checkpoints.Count > 0)
        {
            await transaction.WriteAsync(new BatchWrite(source, run.Id, now, [], [], [], [], [], [], [.. batch.Checkpoints.Values]), cancellationToken);
        }

        await transaction.AddRunProgressAsync(run.Id, counts, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        run.RecordBatch(counts);
        progress.BatchCommitted(source, run.Id, run.Counts);
    }

    /// <summary>A batch being written: its commit, its record count, and the quote keys it may lock (raw rows land apart).</summary>
    private sealed record InFlight(int Records, HashSet<QuoteKey> Keys, Task Commit)
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
        public static Landing After(Landing? last, PreparedBatch batch, Func<Task, Task> land)
        {
            var keys = new HashSet<ContentKey>(batch.Raw.Count);
            foreach (var raw in batch.Raw)
            {
                keys.Add(ContentKey.Of(raw.Payload.ContentHash.Span));
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

    private sealed class FailAfterReachedException(long limit)
        : Exception($"aborted by failure injection after committing {limit} records (--fail-after {limit})");

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} of {Source} started ({Trigger})")]
    private partial void LogStarted(string source, Guid runId, string trigger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run of {Source} ended {Status}: read {Read}, loaded {Loaded}, skipped {Skipped}, rejected {Rejected} in {DurationMs} ms {Error}")]
    private partial void LogFinished(string source, string status, long read, long loaded, long skipped, long rejected, long durationMs, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source {Source} is busy: run {RunningRunId} holds its lock")]
    private partial void LogBusy(string source, Guid? runningRunId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closed {Count} abandoned run(s) of {Source} left running by a process that died")]
    private partial void LogAbandoned(int count, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schema drift in {Source}: expected {ExpectedField}, saw {ObservedField} (confidence {Confidence}): {Action}")]
    private partial void LogDrift(string source, string expectedField, string? observedField, decimal confidence, string action);

    [LoggerMessage(Level = LogLevel.Error, Message = "Run of {Source} failed")]
    private partial void LogRunError(Exception exception, string source);
}
