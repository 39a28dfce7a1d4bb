using Kasparro.Domain.Ingestion;

namespace Kasparro.Application.Ingestion.Ports;

/// <summary>
/// Where a run's batches are stored. Infrastructure implements it; docs/write-path.md describes what each batch goes
/// through there.
/// </summary>
public interface IBatchStore
{
    /// <summary>
    /// Opens the storing of one run's batches. <paramref name="stored"/> hears each batch's counts once the batch is
    /// stored with its checkpoints, in the order the batches were handed over; what it throws fails that batch.
    /// </summary>
    IBatchSink Open(string source, Guid runId, Action<RunCounts> stored);
}

/// <summary>
/// One run's batches on their way to the store, handed over in the order they were read. Each batch is stored whole
/// (its quotes, rejections, drift, checkpoints and the run's counts) or not at all, and never before a batch handed
/// over earlier: whatever stops a run leaves a prefix of its batches stored, each with its checkpoints. A batch's raw
/// records are kept first; they may outlive a batch that is not stored, and being kept once by content they are not
/// kept twice when its records are read again. Disposing waits until every batch handed over is stored or given up.
/// </summary>
public interface IBatchSink : IAsyncDisposable
{
    /// <summary>
    /// Hands over the next batch. Returns once the sink can take another (it works on more than one at a time); throws
    /// what made a batch handed over earlier fail.
    /// </summary>
    Task WriteAsync(ResolvedBatch batch, CancellationToken cancellationToken);

    /// <summary>Returns once every batch handed over is stored; throws what made one fail.</summary>
    Task FlushAsync(CancellationToken cancellationToken);
}
