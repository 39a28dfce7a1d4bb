namespace Kasparro.Application.Runs.Ports;

/// <summary>Reads <c>etl_runs</c> straight into response rows; every method is one statement, never one per row.</summary>
public interface IRunReader
{
    /// <summary>
    /// A newest-first page (by started_at, then id): at most <c>Limit + 1</c> rows, so the caller knows whether another
    /// page follows, and the matching rows counted up to <c>NewestFirstPage.MaxOffset + 1</c>.
    /// </summary>
    Task<PageRows<RunDto>> ReadPageAsync(NewestFirstPage page, CancellationToken cancellationToken);

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

/// <summary>Rows of a page (one more than asked when another page follows) and the capped count of all matches.</summary>
public sealed record PageRows<T>(IReadOnlyList<T> Rows, long Counted);

/// <summary>A finished run and its source's previous finished runs' metrics, oldest first (a duration may be unknown).</summary>
public sealed record RunWithHistory(RunDto Run, IReadOnlyList<long> PriorLoaded, IReadOnlyList<long?> PriorDurationsMs);
