using Kasparro.Domain.Assets;
using Kasparro.Domain.Ingestion;
using Kasparro.Domain.Markets;

namespace Kasparro.Application.Ingestion.Ports;

/// <summary>Where runs, checkpoints and loaded batches are kept. Infrastructure implements it on PostgreSQL.</summary>
public interface IIngestionStore
{
    Task<IReadOnlyList<Checkpoint>> GetCheckpointsAsync(string source, CancellationToken cancellationToken);

    Task<TickerAliases> GetTickerAliasesAsync(CancellationToken cancellationToken);

    Task<IngestionRun?> FindRunningRunAsync(string source, CancellationToken cancellationToken);

    /// <summary>
    /// Ends as failed every run of <paramref name="source"/> still marked running. Called while holding the source's
    /// run lock, so such runs belong to a process that died. Returns how many were closed.
    /// </summary>
    Task<int> CloseAbandonedRunsAsync(string source, DateTimeOffset now, CancellationToken cancellationToken);

    Task AddRunAsync(IngestionRun run, CancellationToken cancellationToken);

    Task SaveRunAsync(IngestionRun run, CancellationToken cancellationToken);

    /// <summary>Opens one transaction for one batch.</summary>
    Task<IIngestionBatch> BeginBatchAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Opens a transaction for a batch's raw rows alone, whose commit need not be durable by itself when
    /// <see cref="IIngestionBatch.CommitAsync"/> returns: it becomes durable with the next durable commit after it,
    /// since the database's log is written in order. The runner commits a batch's data (durably) only after its raw
    /// rows, so a crash can lose raw rows only together with the batch that needed them, whose records are read again.
    /// It spares the landing a wait on the disk for each commit.
    /// </summary>
    Task<IIngestionBatch> BeginLandingAsync(CancellationToken cancellationToken);
}

/// <summary>
/// One transaction. The runner uses up to three per batch: a landing (its raw rows, see
/// <see cref="IIngestionStore.BeginLandingAsync"/>), an identity transaction (<see cref="LoadIdentityAsync"/> takes a
/// lock every source shares; new assets and mappings are written and committed), then a data transaction (quotes,
/// rejections, drift, and, once the landing and the previous batch have committed, the checkpoint and the run's counts).
/// Whatever a transaction writes commits together or not at all; disposing without <see cref="CommitAsync"/> rolls back.
/// </summary>
public interface IIngestionBatch : IAsyncDisposable
{
    Task<IdentitySnapshot> LoadIdentityAsync(IReadOnlyCollection<SourceKey> keys, IReadOnlyCollection<string> tickers, CancellationToken cancellationToken);

    /// <summary>Writes the batch; returns how many quotes were inserted or changed.</summary>
    Task<long> WriteAsync(BatchWrite write, CancellationToken cancellationToken);

    /// <summary>Adds the batch's counts to its run's stored counts, in the batch's transaction.</summary>
    Task AddRunProgressAsync(Guid runId, RunCounts batch, CancellationToken cancellationToken);

    Task CommitAsync(CancellationToken cancellationToken);
}

/// <summary>What is stored about the identities a batch touches: their mappings, crosswalk rows and candidate assets.</summary>
public sealed record IdentitySnapshot(IReadOnlyList<Asset> Assets, IReadOnlyList<AssetSourceMapping> Mappings, IReadOnlyList<CrosswalkEntry> Crosswalk);

/// <summary>Everything one batch writes.</summary>
public sealed record BatchWrite(
    string Source,
    Guid RunId,
    DateTimeOffset IngestedAt,
    IReadOnlyList<RawRecord> Raw,
    IReadOnlyList<Asset> Assets,
    IReadOnlyList<AssetSourceMapping> Mappings,
    IReadOnlyList<Kasparro.Domain.Quotes.Quote> Quotes,
    IReadOnlyList<Rejection> Rejections,
    IReadOnlyList<SourceSchemaDrift> Drift,
    IReadOnlyList<Checkpoint> Checkpoints);

/// <summary>A record kept verbatim in its source's raw table (identical content is kept once).</summary>
public sealed record RawRecord(string Reference, string? SourceRecordId, RawPayload Payload);

/// <summary>A record that was not loaded, with every reason.</summary>
public sealed record Rejection(string Reference, string? SourceRecordId, RawPayload Payload, IReadOnlyList<string> Reasons);
