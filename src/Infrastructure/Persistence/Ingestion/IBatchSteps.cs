using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Ingestion;

namespace Kasparro.Infrastructure.Persistence.Ingestion;

/// <summary>The database work of one run's batches, in the steps <see cref="BatchPipeline"/> orders.</summary>
internal interface IBatchSteps
{
    /// <summary>
    /// Lands raw records in a commit of their own, which need not be durable when this returns: it becomes durable
    /// with the next durable commit on the server.
    /// </summary>
    Task LandAsync(IReadOnlyList<RawRecord> raw, CancellationToken cancellationToken);

    /// <summary>Writes the batch's quotes, rejections and drift, not yet committed.</summary>
    Task<IWrittenBatch> WriteAsync(ResolvedBatch batch, CancellationToken cancellationToken);
}

/// <summary>A batch's rows written and not yet committed; disposing it without <see cref="CommitAsync"/> rolls them back.</summary>
internal interface IWrittenBatch : IAsyncDisposable
{
    /// <summary>Quotes inserted or changed.</summary>
    long Loaded { get; }

    /// <summary>Adds the checkpoints and the run's counts (rows every batch of the run shares), then commits durably.</summary>
    Task CommitAsync(IReadOnlyList<Checkpoint> checkpoints, RunCounts counts, CancellationToken cancellationToken);
}
