using Kasparro.Domain.Ingestion;
using Kasparro.Domain.Markets;

namespace Kasparro.Application.Ingestion.Ports;

/// <summary>
/// Where runs are recorded, and what a run reads before it starts: the source's checkpoints and the ticker aliases.
/// Infrastructure implements it. A run's batches go to <see cref="IBatchStore"/>.
/// </summary>
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
}
