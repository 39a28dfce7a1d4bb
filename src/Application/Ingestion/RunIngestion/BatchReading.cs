using System.Threading.Channels;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Markets;
using Microsoft.Extensions.Logging;

namespace Kasparro.Application.Ingestion.RunIngestion;

/// <summary>The reading side of a run: reads the source and cuts what it reads into <see cref="RecordBatch"/>es.</summary>
internal static partial class BatchReading
{
    /// <summary>
    /// Reads <paramref name="source"/> into batches of <paramref name="batchSize"/> records. The failure-injection
    /// limit <paramref name="failAfter"/> cuts the last batch exactly. A source that fails hands over every whole record
    /// read before its failure, then the failure.
    /// </summary>
    public static async Task ReadAsync(
        IIngestionSource source,
        SourceReadContext context,
        TickerAliases aliases,
        int batchSize,
        long? failAfter,
        ChannelWriter<RecordBatch> output,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var batch = new RecordBatch(aliases);
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
                        batch.Add(record);
                        onDemand = record.CheckpointAfter is null && record.CheckpointOnDemand is not null ? record : null;
                        records++;
                        break;
                    case SourceSkipped skipped:
                        batch.AddSkipped(skipped.Count);
                        break;
                    case SourceCheckpoint reached:
                        batch.Reach(reached.Stream, reached.Checkpoint);
                        break;
                    case SourceSchemaDrift drift:
                        batch.AddDrift(drift);
                        LogDrift(logger, source.Name, drift.ExpectedField, drift.ObservedField, drift.Confidence, drift.Action);
                        break;
                }

                var limitReached = failAfter is { } limit && records >= limit;
                if (batch.RecordCount >= batchSize || limitReached)
                {
                    if (onDemand is not null)
                    {
                        // Now, before the source reads on: the checkpoint that ends this batch.
                        batch.Reach(onDemand.Stream, onDemand.ReachedCheckpoint()!);
                        onDemand = null;
                    }

                    await output.WriteAsync(batch, cancellationToken);
                    batch = new RecordBatch(aliases);
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
            // Every record read before the source failed is whole: hand them over (the run ends partial), then fail.
            // The last ones may go without their checkpoint (one computed on demand cannot be once the source has moved
            // on): the next run reads them again, and the store finds them stored.
            if (!batch.IsEmpty)
            {
                try
                {
                    await output.WriteAsync(batch, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    // The run is stopping: nothing more is stored, and the failure below still ends it.
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schema drift in {Source}: expected {ExpectedField}, saw {ObservedField} (confidence {Confidence}): {Action}")]
    private static partial void LogDrift(ILogger logger, string source, string expectedField, string? observedField, decimal confidence, string action);
}
