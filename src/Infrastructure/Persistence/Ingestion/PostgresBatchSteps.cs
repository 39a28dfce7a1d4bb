using System.Diagnostics;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Ingestion;
using Kasparro.Infrastructure.Persistence.Changes;
using Microsoft.Extensions.Logging;

namespace Kasparro.Infrastructure.Persistence.Ingestion;

/// <summary>
/// <see cref="IBatchSteps"/> on PostgreSQL, each step a <see cref="WriteTransaction"/> on a pooled connection of its
/// own: a landing that commits without waiting for the disk, and a batch's durable transaction.
/// </summary>
internal sealed partial class PostgresBatchSteps(PostgresDatabase database, string source, Guid runId, TimeProvider time, ILogger logger) : IBatchSteps
{
    public async Task LandAsync(IReadOnlyList<RawRecord> raw, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var transaction = await WriteTransaction.BeginAsync(database.DataSource, durable: false, logger, cancellationToken);
        var landed = await RawLanding.LandAsync(transaction, source, runId, raw, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogLanded(source, landed, raw.Count, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    public async Task<IWrittenBatch> WriteAsync(ResolvedBatch batch, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var now = time.GetUtcNow();
        var transaction = await WriteTransaction.BeginAsync(database.DataSource, durable: true, logger, cancellationToken);
        try
        {
            var quotes = await QuoteCopier.CopyAsync(transaction, source, runId, now, batch.Quotes, cancellationToken);
            await using (var statements = transaction.CreateBatch())
            {
                if (quotes.Upsert is { } upsert)
                {
                    statements.BatchCommands.Add(upsert);
                }

                if (batch.Rejections.Count > 0)
                {
                    statements.BatchCommands.Add(SideCommands.Rejections(source, runId, now, batch.Rejections));
                }

                if (batch.Drift.Count > 0)
                {
                    statements.BatchCommands.Add(SideCommands.Drift(source, runId, now, batch.Drift));
                }

                if (statements.BatchCommands.Count > 0)
                {
                    await statements.ExecuteNonQueryAsync(cancellationToken);
                }
            }

            LogWritten(source, batch.Quotes.Count, quotes.Loaded, batch.Rejections.Count, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return new Written(transaction, database.DataVersion, runId, now, quotes.Loaded);
        }
        catch
        {
            await transaction.DisposeAsync();
            throw;
        }
    }

    private sealed class Written(WriteTransaction transaction, DataVersionTracker dataVersion, Guid runId, DateTimeOffset now, long loaded) : IWrittenBatch
    {
        public long Loaded => loaded;

        public async Task CommitAsync(IReadOnlyList<Checkpoint> checkpoints, RunCounts counts, CancellationToken cancellationToken)
        {
            await using (var statements = transaction.CreateBatch())
            {
                if (checkpoints.Count > 0)
                {
                    statements.BatchCommands.Add(SideCommands.Checkpoints(runId, now, checkpoints));
                }

                var runCounts = SideCommands.RunCounts(runId, counts);
                statements.BatchCommands.Add(runCounts);
                // Last, so the version's row is locked only while the batch commits; its notice goes out at commit.
                statements.BatchCommands.Add(DataVersionSql.Bump());
                await statements.ExecuteNonQueryAsync(cancellationToken);
                SideCommands.EnsureRunCounted(runCounts, runId);
            }

            await transaction.CommitAsync(cancellationToken);
            dataVersion.Changed();
        }

        public ValueTask DisposeAsync() => transaction.DisposeAsync();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Raw records of {Source} landed: {Landed} new of {Records} in {ElapsedMs} ms")]
    private partial void LogLanded(string source, int landed, int records, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Batch of {Source} written: {Quotes} quotes ({Loaded} loaded), {Rejected} rejected in {ElapsedMs} ms")]
    private partial void LogWritten(string source, int quotes, long loaded, int rejected, long elapsedMs);
}
