using System.Threading.Channels;
using Kasparro.Application.Common.Logging;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Ingestion;
using Microsoft.Extensions.Logging;

namespace Kasparro.Application.Ingestion.RunIngestion;

/// <summary>
/// One run of one source: take the source's lock, open the run, read the source in batches sorted by the data rules,
/// resolve each batch's identities and hand it to the store, then close the run with its counts. Reading the next
/// batch overlaps storing the ones before it. It keeps no state between calls, so one instance runs several sources
/// at once.
/// </summary>
public sealed partial class SourceRunner(
    IIngestionStore store,
    IBatchStore batches,
    BatchIdentities identities,
    ISourceRunLock runLock,
    IngestionSettings settings,
    IIngestionProgress progress,
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
            identities.Forget(); // the database may not be what the cache remembers (see IdentityCache)
            run.Fail(time.GetUtcNow(), $"{ex.GetType().Name}: {ex.Message}");
        }

        // The outcome is written even when the caller is cancelling: a run must not stay 'running'.
        await store.SaveRunAsync(run, CancellationToken.None);
        LogFinished(source.Name, run.Status.ToText(), run.Counts.Read, run.Counts.Loaded, run.Counts.Skipped, run.Counts.Rejected, run.DurationMs ?? 0, run.Error);
        return new SourceRunResult(source.Name, run.Id, run.Status.ToText(), run.Counts, run.DurationMs ?? 0, run.Error);
    }

    /// <summary>
    /// Reads the source in batches on one side while the other resolves each batch's identities and hands it to the
    /// run's <see cref="IBatchSink"/>, which stores it (docs/write-path.md); then waits until every batch is stored.
    /// </summary>
    private async Task ExecuteAsync(IIngestionSource source, IngestionRun run, RunIngestionCommand command, CancellationToken cancellationToken)
    {
        await identities.RefreshAsync(cancellationToken);
        var aliases = await store.GetTickerAliasesAsync(cancellationToken);
        var checkpoints = (await store.GetCheckpointsAsync(source.Name, cancellationToken)).ToDictionary(c => c.Stream, StringComparer.Ordinal);
        var context = new SourceReadContext(run.Id, checkpoints, new SourceOverrides(command.CsvPath)) { Progress = progress };
        var batchSize = Math.Min(settings.BatchSize, source.PreferredBatchSize ?? int.MaxValue);

        using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var read = Channel.CreateBounded<RecordBatch>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        var reader = Task.Run(() => BatchReading.ReadAsync(source, context, aliases, batchSize, command.FailAfter, read.Writer, logger, reading.Token), reading.Token);
        long handedOver = 0;
        try
        {
            await using var sink = batches.Open(source.Name, run.Id, stored =>
            {
                run.RecordBatch(stored);
                progress.BatchCommitted(source.Name, run.Id, run.Counts);
            });
            await foreach (var batch in read.Reader.ReadAllAsync(cancellationToken))
            {
                var quotes = await identities.ResolveAsync(source.Name, batch.Valid, cancellationToken);
                await sink.WriteAsync(batch.Resolved(quotes), cancellationToken);
                handedOver += batch.RecordCount;
            }

            await sink.FlushAsync(cancellationToken);
        }
        finally
        {
            await reading.CancelAsync();
            await reader.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        await reader;
        if (command.FailAfter is { } limit && handedOver >= limit)
        {
            // The reading side stopped at the limit, and every batch up to it is stored: end as a crash would.
            throw new FailAfterReachedException(limit);
        }
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Run of {Source} failed")]
    private partial void LogRunError(Exception exception, string source);
}
