using Ardalis.Specification;

namespace Kasparro.Application.Runs.Ports;

/// <summary>Reads <c>etl_runs</c> straight into response rows; a fixed number of statements per call, never one per row.</summary>
public interface IRunReader
{
    /// <summary>The runs a page specification selects, and all its filters match counted up to <paramref name="countCap"/>.</summary>
    Task<PageRows<RunDto>> ReadPageAsync(ISpecification<RunDto> specification, int countCap, CancellationToken cancellationToken);

    /// <summary>The runs among <paramref name="ids"/> that exist, in no particular order.</summary>
    Task<IReadOnlyList<RunDto>> FindAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken);

    /// <summary>
    /// The latest <paramref name="perSource"/> finished runs of each source (all sources when <paramref name="sources"/> is
    /// empty), newest first, each with the loaded counts and durations of the <paramref name="window"/> finished runs of
    /// its source that started before it.
    /// </summary>
    Task<IReadOnlyList<RunWithHistory>> ReadFinishedWithHistoryAsync(
        IReadOnlyList<string> sources, int window, int perSource, CancellationToken cancellationToken);
}

/// <summary>A finished run and its source's previous finished runs' metrics, oldest first (a duration may be unknown).</summary>
public sealed record RunWithHistory(RunDto Run, IReadOnlyList<long> PriorLoaded, IReadOnlyList<long?> PriorDurationsMs);
